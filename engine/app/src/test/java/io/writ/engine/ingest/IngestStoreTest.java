package io.writ.engine.ingest;

import io.micronaut.context.ApplicationContext;
import io.writ.engine.evaluation.DecisionStore;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.evaluation.RecordingSink;
import io.writ.engine.evaluation.SlowPolicyEngine;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.engine.storage.Databases;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The ingest persistence — batches, dossier versions, decisions and their sinks — on H2 and on PostgreSQL. */
class IngestStoreTest {
    private ApplicationContext ctx;

    private ApplicationContext start(String db) {
        String name = "i" + UUID.randomUUID().toString().replace("-", "");
        return start(new HashMap<>(db.equals("h2") ? Databases.h2(name) : Databases.postgres(name)));
    }

    private ApplicationContext start(Map<String, Object> database) {
        Map<String, Object> props = new HashMap<>(database);
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", "classpath:test-bundle");
        props.put("writ.test.recording-sink", "true");
        props.put("writ.test.slow-engine", "true");
        props.put("writ.evaluation.threads", 4);
        ApplicationContext started = ApplicationContext.run(props, "test");
        if (ctx == null) {
            ctx = started;
        }
        return started;
    }

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoServiceInstancesOnOneDatabaseNeverLoseOrDuplicateAVersion(String db) throws Exception {
        String name = "i" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> database = db.equals("h2") ? Databases.h2(name) : Databases.postgres(name);
        start(database);
        try (ApplicationContext other = start(database)) {
            List<IngestService> instances = List.of(ctx.getBean(IngestService.class), other.getBean(IngestService.class));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> fs = new ArrayList<>();
            int rounds = 15;
            for (IngestService ingest : instances) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        // both instances write the same tenants, new ones included, in every round
                        String json = "[" + population("shared-" + i, 1).substring(1, population("shared-" + i, 1).length() - 1)
                                + "," + population("both", 1).substring(1, population("both", 1).length() - 1) + "]";
                        ingest.accept(signals(json), Dossier.sha256(json + UUID.randomUUID()), null);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(); // no batch failed: conflicts between the instances were retried
            }
            pool.shutdown();
            DossierStore dossiers = ctx.getBean(DossierStore.class);
            assertThat(dossiers.latest("both").orElseThrow().version()).isEqualTo(2L * rounds);
            for (int i = 0; i < rounds; i++) {
                assertThat(dossiers.latest("shared-" + i).orElseThrow().version()).isEqualTo(2);
            }
            assertThat(ctx.getBean(IngestService.class).batchCount()).isEqualTo(2L * rounds);
        }
    }

    static List<Value> signals(String json) {
        List<Value> s = SignalParser.parse(json, false);
        assertThat(SignalValidator.validate(s)).isEmpty();
        return s;
    }

    static String population(String tenant, int subjects) {
        return "[{\"type\": \"population\", \"tenant_id\": \"" + tenant + "\", \"subscription\": \"s1\", \"distinct_subjects\": "
                + subjects + "}]";
    }

    private IngestService.Outcome accept(String json, String key) {
        return ctx.getBean(IngestService.class).accept(signals(json), Dossier.sha256(json), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aBatchIsStoredWithItsDossiersAndTheDecisionWithItsSinks(String db) throws Exception {
        start(db);
        String json = "[{\"type\": \"tenant\", \"tenant_id\": \"a\", \"segment\": \"telecom\"}, "
                + "{\"type\": \"population\", \"tenant_id\": \"b\", \"subscription\": \"s1\", \"distinct_subjects\": 200000}, "
                + "{\"type\": \"subscription\", \"tenant_id\": \"a\", \"id\": \"s9\", \"state\": \"active\"}]";
        IngestService.Outcome out = accept(json, null);
        assertThat(out.replayed()).isFalse();
        assertThat(out.responseJson()).contains("\"accepted\":3")
                .contains("\"tenants\":[{\"dossier_version\":1,\"tenant_id\":\"a\"},{\"dossier_version\":1,\"tenant_id\":\"b\"}]");
        String batchId = out.responseJson().replaceAll(".*\"batch_id\":\"([^\"]+)\".*", "$1");
        assertThat(ctx.getBean(IngestService.class).batchSignals(batchId).orElseThrow()).hasSize(3);

        DossierStore dossiers = ctx.getBean(DossierStore.class);
        Dossier a = dossiers.latest("a").orElseThrow();
        assertThat(a.json()).isEqualTo("{\"attestations\":[],\"classifications\":[],\"population\":[],\"reports\":[],"
                + "\"subscriptions\":[{\"id\":\"s9\",\"state\":\"active\"}],\"tenant\":{\"id\":\"a\",\"segment\":\"telecom\"},\"usage\":[]}");
        assertThat(a.sha256()).isEqualTo(Dossier.sha256(a.json()));

        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
        DecisionStore decisions = ctx.getBean(DecisionStore.class);
        StoredDecision b = decisions.latest("b").orElseThrow();
        assertThat(b.dossierVersion()).isEqualTo(1);
        assertThat(b.dossierHash()).isEqualTo(dossiers.latest("b").orElseThrow().sha256());
        assertThat(b.bundleRevision()).isEqualTo("test-1");
        assertThat(((ObjectValue) b.result()).get("verdict")).isEqualTo(StringValue.of("review"));
        assertThat(decisions.latest("a").orElseThrow().result().toJsonString()).contains("\"verdict\":\"allow\"");

        RecordingSink sink = ctx.getBean(RecordingSink.class);
        assertThat(sink.problems).isEmpty();
        assertThat(sink.seen).extracting(StoredDecision::tenantId).containsExactlyInAnyOrder("a", "b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFailingSinkLeavesNoDecisionBehind(String db) throws Exception {
        start(db);
        accept(population("sink-fails-1", 5), null);
        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(ctx.getBean(DossierStore.class).latest("sink-fails-1")).isPresent();
        assertThat(ctx.getBean(DecisionStore.class).count("sink-fails-1")).isZero();
        assertThat(ctx.getBean(DossierStore.class).tenantsAwaitingDecision()).containsExactly("sink-fails-1");
        // catching up tries again (and fails again: the sink still refuses), deciding nothing twice
        accept(population("fine", 5), null);
        EvaluationScheduler scheduler = ctx.getBean(EvaluationScheduler.class);
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        int before = ctx.getBean(RecordingSink.class).seen.size();
        assertThat(scheduler.catchUp()).isEqualTo(1);
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(ctx.getBean(RecordingSink.class).seen).hasSize(before);
        assertThat(ctx.getBean(DecisionStore.class).count("fine")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void idempotencyKeysReplayAndRefuseADifferentBody(String db) {
        start(db);
        IngestService ingest = ctx.getBean(IngestService.class);
        IngestService.Outcome first = accept(population("k", 1), "key-1");
        IngestService.Outcome again = accept(population("k", 1), "key-1");
        assertThat(again.replayed()).isTrue();
        assertThat(again.responseJson()).isEqualTo(first.responseJson());
        assertThat(ingest.batchCount()).isEqualTo(1);
        Problem p = catchThrowableOfType(Problem.class, () -> accept(population("k", 2), "key-1"));
        assertThat(p.type()).isEqualTo("idempotency-key-reused");
        assertThat(ingest.batchCount()).isEqualTo(1);
        assertThat(ctx.getBean(DossierStore.class).latest("k").orElseThrow().version()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void concurrentBatchesForOneTenantMakeConsecutiveVersionsAndTheLastIsDecidedAlone(String db) throws Exception {
        start(db);
        int threads = 4;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    accept(population("busy", base + i + 1), null);
                    accept(population("calm-" + base, 1), null);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        int batches = threads * perThread;
        Dossier last = ctx.getBean(DossierStore.class).latest("busy").orElseThrow();
        assertThat(last.version()).isEqualTo(batches);
        // every signal made it into the newest dossier: no writer built on a stale version
        assertThat(((io.writ.rego.value.ArrayValue) last.value().get("population")).size()).isEqualTo(batches);

        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(60))).isTrue();
        DecisionStore decisions = ctx.getBean(DecisionStore.class);
        assertThat(decisions.latest("busy").orElseThrow().dossierVersion()).isEqualTo(batches);
        SlowPolicyEngine engine = ctx.getBean(SlowPolicyEngine.class);
        assertThat(engine.maxConcurrentPerTenant.get()).as("never two evaluations of one tenant at once").isEqualTo(1);
        assertThat(decisions.count("busy")).as("versions that piled up were coalesced").isLessThan(batches);
        assertThat(ctx.getBean(DossierStore.class).tenantsAwaitingDecision()).isEmpty();
    }
}
