package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.writ.engine.cli.ServeCommand;
import io.writ.engine.cli.Writ;
import io.writ.engine.security.LocalSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox survives a crash in the middle of a plan: {@code writ serve} is killed right after the provider made a
 * change and before the service recorded it; after the restart the plan finishes and no change was made twice.
 */
class EnforcementRestartTest {
    @TempDir
    Path dataDir;

    /** The service on the data directory's H2 file database, as serve runs it, with these settings. */
    private ApplicationContext start(Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put("writ.data-dir", dataDir.toString());
        props.put(ServeCommand.SECRET_PROPERTY, LocalSecret.loadOrCreate(dataDir));
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", "classpath:test-bundle");
        props.put("datasources.default.url", ServeCommand.h2FileUrl(dataDir));
        props.put("writ.connectors.fake.state-file", dataDir.resolve("provider.json").toString());
        props.put("writ.enforcement.default-connector", "fake");
        props.put("writ.enforcement.poll-interval", "PT0.2S");
        return Micronaut.build(new String[0]).mainClass(Writ.class).deduceEnvironment(false).properties(props).start();
    }

    @Test
    void aServiceKilledMidPlanResumesAfterRestartWithoutApplyingAnythingTwice() throws Exception {
        String caseId;
        String tenant = "tnt-crash";
        // 1: a case approved and executed while the worker is off, so that the plan is due but untouched
        try (ApplicationContext ctx = start(Map.of("writ.enforcement.worker.enabled", false));
             Harness h = Harness.wrap(ctx, LocalSecret.loadOrCreate(dataDir))) {
            caseId = h.caseFor(tenant, "telecom", List.of("crash-a"));
            h.approve(caseId, """
                    [{"action": "disable-subscription", "subscription": "crash-a"},
                     {"action": "deny-service", "subscription": "crash-a", "service": "storage"},
                     {"action": "lock-resource", "subscription": "crash-a", "resource": "rg-1"}]""",
                    "{\"subscriptions\": [\"crash-a\"]}");
            h.move(caseId, "execute", "{\"reason\": \"harm is ongoing\"}", h.tokenFor("bob", "approver"));
            assertThat(h.caseView(caseId).get("status").asText()).isEqualTo("executing");
        }

        // 2: the real `writ serve` runs the plan; the provider halts the JVM right after its second change
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dwrit.policy.bundle=classpath:test-bundle",
                "-Dwrit.connectors.fake.state-file=" + dataDir.resolve("provider.json"),
                "-Dwrit.connectors.fake.halt-after-changes=2",
                "-Dwrit.enforcement.default-connector=fake",
                "-Dwrit.enforcement.poll-interval=PT0.2S",
                Writ.class.getName(), "serve", "--data-dir", dataDir.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("HALTED after 2 changes");
        FakeConnector.State crashed = FakeConnector.read(dataDir.resolve("provider.json"));
        assertThat(crashed.totalChanges).isEqualTo(2);

        // 3: restarted, the service finds action 1 still marked applying, applies it again with the same key
        // (the provider recognises it), and finishes the plan
        try (ApplicationContext ctx = start(Map.of());
             Harness h = Harness.wrap(ctx, LocalSecret.loadOrCreate(dataDir))) {
            JsonNode enforced = h.awaitStatus(caseId, "enforced");
            for (JsonNode a : enforced.at("/enforcement/actions")) {
                assertThat(a.get("status").asText()).isEqualTo("verified");
            }
            assertThat(enforced.at("/enforcement/actions/1/applied/already_applied").asBoolean()).isTrue();
            List<String> steps = new ArrayList<>();
            h.get("/v1/cases/" + caseId + "/plan", h.tokenFor("aud", "auditor")).get("history").forEach(x -> {
                if (x.has("action")) {
                    steps.add(x.get("step").asText() + ":" + x.get("action").asInt() + ":" + x.get("outcome").asText());
                }
            });
            assertThat(steps).containsSubsequence("apply:0:applied", "verify:0:verified", "apply:1:resumed",
                    "apply:1:already-applied", "verify:1:verified", "apply:2:applied", "verify:2:verified");
        }
        FakeConnector.State done = FakeConnector.read(dataDir.resolve("provider.json"));
        assertThat(done.totalChanges).isEqualTo(3);
        assertThat(done.changes.values()).containsOnly(1);
        assertThat(done.changes).hasSize(3);
        assertThat(done.applyCalls.get("subscription/crash-a/deny/storage")).isEqualTo(2);
    }
}
