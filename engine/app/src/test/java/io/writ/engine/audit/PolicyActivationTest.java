package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.writ.engine.evaluation.EmbeddedPolicyEngine;
import io.writ.engine.storage.Databases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.writ.engine.audit.AuditFixtures.entries;
import static org.assertj.core.api.Assertions.assertThat;

/** Every bundle the embedded engine activates is an entry first; a bundle whose entry cannot be written stays out. */
class PolicyActivationTest {

    private static void copy(String resource, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        try (InputStream in = PolicyActivationTest.class.getResourceAsStream("/test-bundle/" + resource)) {
            Files.copy(in, to);
        }
    }

    private static void revision(Path bundle, String revision) throws Exception {
        Files.writeString(bundle.resolve(".manifest"), "{\"revision\": \"" + revision + "\", \"roots\": [\"writ\"]}");
    }

    @Test
    void activationsAtStartAndOnReloadAreRecordedAndAnUnrecordableOneIsRefused(@TempDir Path dir) throws Exception {
        for (String f : List.of(".manifest", "data.json", "writ/aup/decision.rego", "writ/log/mask.rego")) {
            copy(f, dir.resolve(f));
        }
        Map<String, Object> props = new HashMap<>(Databases.h2("p" + UUID.randomUUID().toString().replace("-", "")));
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", dir.toString());
        props.put("writ.policy.reload-interval", "0");
        try (ApplicationContext ctx = ApplicationContext.run(props, "test")) {
            EmbeddedPolicyEngine engine = ctx.getBean(EmbeddedPolicyEngine.class);
            AuditLog log = ctx.getBean(AuditLog.class);
            revision(dir, "test-2");
            assertThat(engine.reload()).isTrue();
            log.sync();
            List<JsonNode> activations = entries(ctx, Entries.POLICY_ACTIVATED);
            assertThat(activations).extracting(e -> e.path("revision").asText() + "<-" + e.path("previous_revision").asText())
                    .containsExactly("test-1<-null", "test-2<-test-1");
            assertThat(activations.getFirst().path("bundle").asText()).isEqualTo(dir.toString());

            // the active bundle's mask policy fails on this revision: its activation cannot be written, so it is not used
            revision(dir, "refuse-me");
            assertThat(engine.reload()).isFalse();
            assertThat(engine.revision()).isEqualTo("test-2");
            assertThat(engine.lastError()).contains("could not be recorded");
            log.sync();
            assertThat(entries(ctx, Entries.POLICY_ACTIVATED)).hasSize(2);
        }
    }
}
