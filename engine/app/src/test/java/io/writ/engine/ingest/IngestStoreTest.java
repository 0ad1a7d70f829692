package io.writ.engine.ingest;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.audit.Jcs;
import io.writ.engine.evaluation.DecisionStore;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.evaluation.RecordingSink;
import io.writ.engine.evaluation.SlowPolicyEngine;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.engine.storage.Databases;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierMerger;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The ingest persistence — batches, dossier versions, decisions and their sinks — on H2 and on PostgreSQL. */
class IngestStoreTest {
    private ApplicationContext ctx;

    private ApplicationContext start(String db) {
        return start(db, Map.of());
    }

    private ApplicationContext start(String db, Map<String, Object> extra) {
        String name = "i" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> props = new HashMap<>(db.equals("h2") ? Databases.h2(name) : Databases.postgres(name));
        props.putAll(extra);
        return start(props);
    }

    private ApplicationContext start(Map<String, Object> database) {
        Map<String, Object> props = new HashMap<>(database);
        props.putIfAbsent("writ.dossier.cache-size", 2000);
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", "classpath:test-bundle");
        props.put("writ.test.recording-sink", "true");
        props.put("writ.test.slow-engine", "true");
        props.put("writ.evaluation.threads", 4);
        props.put("writ.dossier.checkpoint-interval", "0s"); // tests checkpoint when they say so
        props.put("writ.evaluation.retry-backoff", "20ms");
        props.put("writ.evaluation.retry-attempts", 2);
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

    @org.junit.jupiter.api.Test
    void aSecondInstanceOnTheSameDatabaseRefusesToStart() {
        String name = "i" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> database = Databases.postgres(name);
        start(database);
        accept(population("owned", 1), null);
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> start(database).close());
        assertThat(refused).isNotNull();
        assertThat(rootCause(refused)).hasMessageContaining("another Writ instance is running on this database");
        // the first instance goes on as if nothing happened
        assertThat(accept(population("owned", 2), null).responseJson()).contains("\"dossier_version\":2");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static List<Value> signals(String json) {
        List<Value> s = SignalParser.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        assertThat(SignalValidator.validate(s)).isEmpty();
        return s;
    }

    static String population(String tenant, int subjects) {
        return "[{\"type\": \"population\", \"tenant_id\": \"" + tenant + "\", \"subscription\": \"s1\", \"distinct_subjects\": "
                + subjects + "}]";
    }

    private IngestService.Outcome accept(String json, String key) {
        return accept("pipeline-a", json, key);
    }

    private IngestService.Outcome accept(String caller, String json, String key) {
        return ctx.getBean(IngestService.class).accept(signals(json), Dossier.sha256(json), caller, key);
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
        assertThat(ctx.getBean(IngestService.class).batchSignals(batchId))
                .extracting(o -> ((StringValue) o.get("tenant_id")).value()).containsExactly("a", "b", "a");

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

    @Test
    void aDossierIsItsCanonicalTextWhichTheDecisionsLogEntryHoldsAsItIs() throws Exception {
        start("h2");
        accept("[{\"type\": \"tenant\", \"tenant_id\": \"j\", \"name\": \"J\\u20ac\\u000f\"}, "
                + "{\"type\": \"usage\", \"tenant_id\": \"j\", \"subscription\": \"s1\", \"service\": \"storage\", "
                + "\"metric\": \"stored_bytes\", \"value\": 1E21, \"period\": {\"start\": \"2025-07-01T00:00:00Z\", "
                + "\"end\": \"2025-07-02T00:00:00Z\"}, \"dimensions\": {\"ratio\": 0.50, \"b\": 1, \"a\": 2}}]", null);
        Dossier d = ctx.getBean(DossierStore.class).latest("j").orElseThrow();
        // RFC 8785: ECMAScript numbers, sorted members, only the mandatory escapes
        assertThat(d.json()).contains("\"value\":1e+21").contains("{\"a\":2,\"b\":1,\"ratio\":0.5}")
                .contains("\"name\":\"J\u20ac\\u000f\"").isEqualTo(Jcs.canonicalize(d.value()));
        assertThat(d.sha256()).isEqualTo(Dossier.sha256(d.json()));

        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
        String entry = column("SELECT entry_json FROM audit_entry WHERE entry_kind = 'decision' AND tenant_id = ?", "j")
                .getFirst();
        // the entry holds the dossier's very text, and is itself canonical: what the log's verifier recomputes
        assertThat(entry).contains("\"input\":" + d.json() + ",").isEqualTo(Jcs.canonicalize(Json.parse(entry)));
        assertThat(entry).contains("\"dossier_sha256\":\"" + d.sha256() + "\"");
    }

    @Test
    void aLoggedNumberBeyondTheDoubleRangeLeavesTheDossierReadableAsPlainJson() {
        // refused since the canonical form: only a log written before can hold one
        start("h2");
        accept(population("huge", 7), null);
        execute("UPDATE signal_batch SET signals_json = REPLACE(signals_json, '\"distinct_subjects\":7', "
                + "'\"distinct_subjects\":7e400')");
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        dossiers.recover(); // read back from the log
        Dossier d = dossiers.latest("huge").orElseThrow();
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.json()).contains("\"distinct_subjects\":7" + "0".repeat(400) + ",");
        assertThat(d.sha256()).isEqualTo(Dossier.sha256(d.json()));
        assertThatThrownBy(() -> Jcs.canonicalize(d.value())).isInstanceOf(IllegalArgumentException.class);
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
        assertThat(ctx.getBean(RecordingSink.class).refusals).as("the first try and two retries").hasValue(3);
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
    void aFailedEvaluationIsTriedAgainWithoutWaitingForTheNextBatch(String db) throws Exception {
        start(db);
        accept(population("flaky-1", 5), null);
        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
        // the first attempt was refused and rolled back; the retry decided the same version, once
        assertThat(ctx.getBean(DecisionStore.class).count("flaky-1")).isEqualTo(1);
        assertThat(ctx.getBean(DecisionStore.class).latest("flaky-1").orElseThrow().dossierVersion()).isEqualTo(1);
        assertThat(ctx.getBean(DossierStore.class).tenantsAwaitingDecision()).isEmpty();
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

        // keys are the caller's own: another pipeline's "key-1" is a new batch, and replays as its own
        IngestService.Outcome other = accept("pipeline-b", population("k", 2), "key-1");
        assertThat(other.replayed()).isFalse();
        assertThat(other.responseJson()).contains("\"dossier_version\":2");
        assertThat(accept("pipeline-b", population("k", 2), "key-1").responseJson()).isEqualTo(other.responseJson());
        assertThat(ingest.batchCount()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void batchesThatArriveDuringAWriteAreWrittenTogetherAsIfOneAfterTheOther(String db) throws Exception {
        start(db);
        IngestService ingest = ctx.getBean(IngestService.class);
        accept(population("g", 1), null); // version 1, before the group
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<IngestService.Outcome>> answers = new ArrayList<>();
        ingest.writer().writeLock().lock();
        try {
            List<String[]> sent = List.of(
                    new String[] {population("g", 2), "key-g"},
                    new String[] {population("g", 2), "key-g"},     // the same batch again: a replay of the first
                    new String[] {population("g", 3), "key-g"},     // the same key, another body: refused
                    new String[] {population("g", 4), null});
            for (String[] b : sent) {
                answers.add(pool.submit(() -> accept(b[0], b[1])));
                long until = System.nanoTime() + 10_000_000_000L;
                while (ingest.writer().waitingCount() < answers.size() && System.nanoTime() < until) {
                    Thread.sleep(2); // in order: each batch waits before the next is sent
                }
            }
            assertThat(ingest.writer().waitingCount()).isEqualTo(4);
        } finally {
            ingest.writer().writeLock().unlock();
        }
        IngestService.Outcome first = answers.get(0).get();
        assertThat(first.replayed()).isFalse();
        assertThat(first.responseJson()).contains("\"dossier_version\":2");
        assertThat(answers.get(1).get()).isEqualTo(new IngestService.Outcome(first.responseJson(), true));
        assertThat(catchThrowableOfType(java.util.concurrent.ExecutionException.class, () -> answers.get(2).get()).getCause())
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.type()).isEqualTo("idempotency-key-reused"));
        assertThat(answers.get(3).get().responseJson()).contains("\"dossier_version\":3");
        pool.shutdown();
        assertThat(ingest.batchCount()).isEqualTo(3);
        assertThat(ctx.getBean(DossierStore.class).latest("g").orElseThrow().version()).isEqualTo(3);
        assertThat(column("SELECT DISTINCT received_at FROM signal_batch")).as("one transaction: the two new batches share its time").hasSize(2);
    }

    @ParameterizedTest
    @CsvSource({"h2, 2000", "h2, 0", "postgres, 2000", "postgres, 0"})
    void aVersionAssembledOnASnapshotOrInMemoryIsTheFoldOfAllItsSignals(String db, int cacheSize) {
        // cache-size 0: a checkpoint forgets the tenant, and the next batch builds on the stored snapshot
        start(db, Map.of("writ.dossier.cache-size", cacheSize));
        List<String> batches = List.of(
                "[{\"type\": \"tenant\", \"tenant_id\": \"f\", \"segment\": \"telecom\"}]",
                population("f", 10),
                "[{\"type\": \"subscription\", \"tenant_id\": \"f\", \"id\": \"s1\", \"state\": \"active\"}]",
                "[{\"type\": \"subscription\", \"tenant_id\": \"f\", \"id\": \"s1\", \"state\": \"disabled\"}]",
                population("f", 10),
                "[{\"type\": \"tenant\", \"tenant_id\": \"f\", \"segment\": \"ngo\", \"name\": \"F\"}]");
        List<ObjectValue> all = new ArrayList<>();
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        for (int i = 0; i < batches.size(); i++) {
            accept(batches.get(i), null);
            signals(batches.get(i)).forEach(v -> all.add((ObjectValue) v));
            if (i == 2) {
                assertThat(dossiers.checkpoint(true)).isEqualTo(1);
                assertThat(column("SELECT dossier_version FROM dossier WHERE tenant_id = ?", "f")).containsExactly("3");
                assertThat(column("SELECT dossier_version FROM tenant_head WHERE tenant_id = ?", "f")).containsExactly("3");
            }
        }
        Dossier latest = dossiers.latest("f").orElseThrow();
        assertThat(latest.version()).isEqualTo(6);
        assertThat(latest.json()).isEqualTo(DossierMerger.merge(null, "f", all).toJsonString());
        assertThat(latest.json()).contains("\"state\":\"disabled\"").contains("\"segment\":\"ngo\"");
        assertThat(((ArrayValue) latest.value().get("population")).size()).as("a resent entry is kept once").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRestartReadsBackFromTheLogWhatNoCheckpointHolds(String db) {
        start(db);
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        for (int i = 1; i <= 3; i++) {
            accept(population("r1", i), null);
        }
        accept(population("r2", 1), null);
        assertThat(dossiers.checkpoint(true)).isEqualTo(2);
        String firstAfter = column("SELECT MAX(seq) + 1 FROM signal_batch").get(0);
        accept(population("r1", 4), null);
        accept("[{\"type\": \"tenant\", \"tenant_id\": \"r3\", \"segment\": \"ngo\"}, "
                + population("r1", 5).substring(1), null);
        assertThat(dossiers.checkpoint(false)).as("nothing has waited 10 s").isZero();
        assertThat(column("SELECT replay_from FROM signal_checkpoint")).as("a restart reads from the first batch since")
                .containsExactly(firstAfter);
        Map<String, Dossier> before = new HashMap<>();
        for (String t : List.of("r1", "r2", "r3")) {
            before.put(t, dossiers.latest(t).orElseThrow());
        }
        assertThat(before.get("r1").version()).isEqualTo(5);

        dossiers.recover(); // what a crash leaves: the database, nothing from memory
        for (String t : List.of("r1", "r2", "r3")) {
            Dossier after = dossiers.latest(t).orElseThrow();
            assertThat(after.version()).isEqualTo(before.get(t).version());
            assertThat(after.json()).isEqualTo(before.get(t).json());
            assertThat(after.sha256()).isEqualTo(before.get(t).sha256());
        }
        assertThat(column("SELECT COUNT(*) FROM dossier")).as("recovering writes no snapshot").containsExactly("2");
        assertThat(accept(population("r1", 6), null).responseJson()).contains("\"dossier_version\":6");
        assertThat(ctx.getBean(IngestService.class).batchCount()).isEqualTo(7);
    }

    @Test
    void aCheckpointPassWritesAtMostItsLimitLongestWaitingFirstAndReplaysFromTheRest() throws InterruptedException {
        start("h2", Map.of("writ.dossier.checkpoint-after", "0s", "writ.dossier.checkpoint-max", 2));
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        String firstOfC = null;
        for (String t : List.of("ca", "cb", "cc")) {
            if (t.equals("cc")) {
                firstOfC = column("SELECT COALESCE(MAX(seq), 0) + 1 FROM signal_batch").get(0);
            }
            accept(population(t, 1), null);
            Thread.sleep(5); // distinct times of waiting
        }
        assertThat(dossiers.checkpoint(false)).as("the limit").isEqualTo(2);
        assertThat(column("SELECT tenant_id FROM tenant_head ORDER BY tenant_id")).as("the two waiting longest")
                .containsExactly("ca", "cb");
        assertThat(column("SELECT replay_from FROM signal_checkpoint")).as("a restart reads the tenant left waiting")
                .containsExactly(firstOfC);
        assertThat(dossiers.checkpoint(false)).isEqualTo(1);
        assertThat(column("SELECT tenant_id FROM tenant_head ORDER BY tenant_id")).containsExactly("ca", "cb", "cc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aBatchWhoseCommitWentThroughThoughItsAnswerWasLostIsTheTenantsHead(String db) {
        start(db);
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        @SuppressWarnings("unchecked")
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        ObjectValue signal = (ObjectValue) signals(population("lost", 1)).getFirst();
        for (boolean commits : List.of(false, true)) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> dossiers.append(log -> {
                if (commits) {
                    tx.executeWrite(st -> {
                        Connection c = st.getConnection();
                        long version = log.heads(c, List.of("lost")).get("lost") + 1;
                        long seq = log.nextSeq();
                        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
                        log.append("lost", version, seq, "lost-batch", now, List.of(signal));
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signal_batch (batch_id, seq, body_sha256, "
                                + "signal_count, signals_json, response_json, received_at) VALUES ('lost-batch', ?, 'x', 1, ?, ?, ?)")) {
                            ps.setLong(1, seq);
                            ps.setString(2, "[" + signal.toJsonString() + "]");
                            ps.setString(3, "{\"tenants\":[{\"dossier_version\":" + version + ",\"tenant_id\":\"lost\"}]}");
                            ps.setObject(4, now);
                            ps.executeUpdate();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                        return null;
                    });
                }
                throw new IllegalStateException("the answer to the commit never came");
            }));
            assertThat(thrown).hasMessageContaining("never came");
            // nothing committed: nothing known; committed: the version is the head, as the log says
            assertThat(dossiers.latest("lost").map(Dossier::version)).isEqualTo(commits ? java.util.Optional.of(1L)
                    : java.util.Optional.empty());
        }
        assertThat(accept(population("lost", 2), null).responseJson()).contains("\"dossier_version\":2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aLogWithAMissingVersionStopsTheStartInsteadOfServingAShortDossier(String db) {
        start(db);
        accept(population("gap", 1), null);
        accept(population("gap", 2), null);
        execute("UPDATE signal_batch SET seq = NULL WHERE seq = (SELECT MIN(seq) FROM signal_batch)");
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> ctx.getBean(DossierStore.class).recover()))
                .hasMessageContaining("lacks versions 1 to 1 of tenant gap");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void signalRowsThatV6LeftAreFoldedIntoSnapshotsAtTheFirstStart(String db) {
        start(db);
        accept(population("old", 1), null); // version 1, checkpointed: a V6 snapshot
        DossierStore dossiers = ctx.getBean(DossierStore.class);
        dossiers.checkpoint(true);
        String batch = column("SELECT batch_id FROM signal_batch").get(0);
        // what V6 wrote for versions 2 and 3: signal rows and a moved head, no snapshot, no signal-log row
        execute("INSERT INTO tenant_signal VALUES ('old', 2, 0, '" + batch + "', "
                + "'{\"distinct_subjects\":2,\"subscription\":\"s2\",\"tenant_id\":\"old\",\"type\":\"population\"}')");
        execute("INSERT INTO tenant_signal VALUES ('old', 3, 0, '" + batch + "', "
                + "'{\"segment\":\"ngo\",\"tenant_id\":\"old\",\"type\":\"tenant\"}')");
        execute("UPDATE tenant_head SET dossier_version = 3 WHERE tenant_id = 'old'");
        execute("UPDATE signal_checkpoint SET replay_from = NULL");

        dossiers.recover();
        Dossier old = dossiers.latest("old").orElseThrow();
        assertThat(old.version()).isEqualTo(3);
        assertThat(old.json()).contains("\"segment\":\"ngo\"").contains("\"distinct_subjects\":2")
                .contains("\"distinct_subjects\":1");
        assertThat(column("SELECT dossier_version FROM dossier WHERE tenant_id = ? ORDER BY dossier_version", "old"))
                .containsExactly("1", "3");
        assertThat(accept(population("old", 4), null).responseJson()).contains("\"dossier_version\":4");
    }

    @SuppressWarnings("unchecked")
    private void execute(String sql) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        tx.executeWrite(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                return s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The first column of a query's rows, as text. */
    @SuppressWarnings("unchecked")
    private List<String> column(String sql, String... params) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
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
                    // each batch its own subscription's estimate: a series of its own, so every one stays in the dossier
                    String estimate = population("busy", base + i + 1).replace("\"s1\"", "\"s" + (base + i) + "\"");
                    accept(estimate, null);
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
        assertThat(((ArrayValue) last.value().get("population")).size()).isEqualTo(batches);

        assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(60))).isTrue();
        DecisionStore decisions = ctx.getBean(DecisionStore.class);
        assertThat(decisions.latest("busy").orElseThrow().dossierVersion()).isEqualTo(batches);
        SlowPolicyEngine engine = ctx.getBean(SlowPolicyEngine.class);
        assertThat(engine.maxConcurrentPerTenant.get()).as("never two evaluations of one tenant at once").isEqualTo(1);
        assertThat(decisions.count("busy")).as("versions that piled up were coalesced").isLessThan(batches);
        assertThat(ctx.getBean(DossierStore.class).tenantsAwaitingDecision()).isEmpty();
    }
}
