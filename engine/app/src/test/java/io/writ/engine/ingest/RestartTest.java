package io.writ.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import io.writ.engine.cli.ServeCommand;
import io.writ.engine.cli.Writ;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.security.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default — the H2 file database in the data directory — keeps what was acknowledged across a
 * restart, and a restart decides what was accepted but not yet decided.
 */
class RestartTest {
    static final String SECRET = "restart-secret-restart-secret-restart-01";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** The service as {@code writ serve} starts it (no test environment: the file database), on a free port. */
    private ApplicationContext start(String bundle) {
        return start(dataDir, bundle, Map.of());
    }

    static ApplicationContext start(Path dataDir, String bundle, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put("writ.data-dir", dataDir.toString());
        props.put(ServeCommand.SECRET_PROPERTY, SECRET);
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", bundle);
        // the file URL the embedded default uses, given explicitly: application.yml's nested placeholder
        // (${WRIT_DB_URL:`...${writ.data-dir}...`}) does not resolve in Micronaut 4.10
        props.put("datasources.default.url", ServeCommand.h2FileUrl(dataDir));
        // no environment deduction: under JUnit Micronaut would add "test", whose configuration is in-memory H2
        return Micronaut.build(new String[0]).mainClass(Writ.class).deduceEnvironment(false).properties(props).start();
    }

    private static String call(ApplicationContext ctx, HttpRequest<?> req) {
        try (HttpClient client = HttpClient.create(ctx.getBean(EmbeddedServer.class).getURL())) {
            return client.toBlocking().retrieve(req, String.class);
        }
    }

    static String token(String role) {
        return Tokens.mint(SECRET, "tester", List.of(role), Duration.ofMinutes(5));
    }

    @Test
    void aBatchAcknowledgedJustBeforeACrashIsThere() throws Exception {
        String body = "[{\"type\": \"tenant\", \"tenant_id\": \"crash-1\", \"segment\": \"ngo\"}]";
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashAfterAccept.class.getName(), dataDir.toString(), body)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        assertThat(out).contains("ACCEPTED");
        try (ApplicationContext ctx = start("classpath:test-bundle")) {
            JsonNode t = JSON.readTree(call(ctx, HttpRequest.GET("/v1/tenants/crash-1").bearerAuth(token("auditor"))));
            assertThat(t.at("/dossier/tenant/segment").asText()).isEqualTo("ngo");
        }
    }

    /** Batch {@code i}: a population estimate of its own subscription for tenants r-a and r-b (a series each). */
    static String estimates(int i) {
        return ("[{\"type\": \"population\", \"tenant_id\": \"r-a\", \"subscription\": \"s%d\", \"distinct_subjects\": %d},"
                + " {\"type\": \"population\", \"tenant_id\": \"r-b\", \"subscription\": \"s%d\", \"distinct_subjects\": %d}]")
                .formatted(i, 1000 + i, i, 2000 + i);
    }

    @Test
    void aCrashAfterACheckpointLosesNothingThatCameAfterIt() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashAfterCheckpoint.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        assertThat(out).contains("CHECKPOINTED 2").contains("ACCEPTED 10");
        try (ApplicationContext ctx = start("classpath:test-bundle")) {
            for (String tenant : List.of("r-a", "r-b")) {
                JsonNode t = JSON.readTree(call(ctx, HttpRequest.GET("/v1/tenants/" + tenant).bearerAuth(token("auditor"))));
                assertThat(t.get("dossier_version").asLong()).as(tenant).isEqualTo(10);
                JsonNode population = t.at("/dossier/population");
                assertThat(population.size()).as(tenant + ": five estimates from the snapshot, five from the log").isEqualTo(10);
                for (int i = 0; i < 10; i++) {
                    assertThat(population.toString()).contains("\"subscription\":\"s" + i + "\"");
                }
            }
            // the next batch goes on from version 10, and the start decided the versions the crash left undecided
            String receipt = call(ctx, HttpRequest.POST("/v1/signals", estimates(10)).contentType("application/json")
                    .bearerAuth(token("pipeline")));
            assertThat(JSON.readTree(receipt).at("/tenants/0/dossier_version").asLong()).isEqualTo(11);
            assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
            JsonNode t = JSON.readTree(call(ctx, HttpRequest.GET("/v1/tenants/r-b").bearerAuth(token("auditor"))));
            assertThat(t.at("/decision/dossier_version").asLong()).isEqualTo(11);
        }
    }

    @Test
    void acknowledgedSignalsSurviveARestartAndUndecidedVersionsAreDecidedOnStart() throws Exception {
        String body = """
                [{"type": "tenant", "tenant_id": "t1", "segment": "telecom"},
                 {"type": "population", "tenant_id": "t1", "subscription": "s1", "distinct_subjects": 150000}]""";
        // first run: no usable policy bundle, so the batch is stored but cannot be decided (and is not retried
        // here: what matters is the next start)
        try (ApplicationContext ctx = start(dataDir, dataDir.resolve("no-bundle-here").toString(),
                Map.of("writ.evaluation.retry-attempts", 0))) {
            String receipt = call(ctx, HttpRequest.POST("/v1/signals", body).contentType("application/json")
                    .header("Idempotency-Key", "restart-1").bearerAuth(token("pipeline")));
            assertThat(JSON.readTree(receipt).at("/tenants/0/dossier_version").asLong()).isEqualTo(1);
            assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
            JsonNode t = JSON.readTree(call(ctx, HttpRequest.GET("/v1/tenants/t1").bearerAuth(token("auditor"))));
            assertThat(t.get("decision").isNull()).isTrue();
        }
        assertThat(Files.list(dataDir).map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("writ") && n.endsWith(".db"));

        // second run, with the bundle: the dossier is there, and the start decides the undecided version
        try (ApplicationContext ctx = start("classpath:test-bundle")) {
            assertThat(ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(20))).isTrue();
            JsonNode t = JSON.readTree(call(ctx, HttpRequest.GET("/v1/tenants/t1").bearerAuth(token("auditor"))));
            assertThat(t.get("dossier_version").asLong()).isEqualTo(1);
            assertThat(t.at("/dossier/tenant/segment").asText()).isEqualTo("telecom");
            assertThat(t.at("/decision/dossier_version").asLong()).isEqualTo(1);
            assertThat(t.at("/decision/result/verdict").asText()).isEqualTo("review");
            // the idempotency key is remembered too
            String replay = call(ctx, HttpRequest.POST("/v1/signals", body).contentType("application/json")
                    .header("Idempotency-Key", "restart-1").bearerAuth(token("pipeline")));
            assertThat(JSON.readTree(replay).at("/tenants/0/dossier_version").asLong()).isEqualTo(1);
        }
    }
}
