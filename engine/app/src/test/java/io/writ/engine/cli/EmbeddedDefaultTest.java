package io.writ.engine.cli;

import io.micronaut.context.ApplicationContext;
import io.writ.engine.evaluation.PolicyEngine;
import io.writ.engine.evaluation.PolicyStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code writ serve} with no configuration at all: the shipped application.yml, the policies module's
 * bundle from the classpath, the H2 file database and the token secret in the data directory.
 */
class EmbeddedDefaultTest {
    @TempDir
    Path dataDir;

    @Test
    void startsOnTheEmbeddedDefault() {
        try (ApplicationContext ctx = ServeCommand.start(dataDir, -1)) {
            PolicyEngine engine = ctx.getBean(PolicyEngine.class);
            PolicyStatus status = engine.status();
            assertThat(engine.kind()).isEqualTo("embedded");
            assertThat(engine.revision()).as("bundle revision; status %s", status).isNotBlank();
            assertThat(Files.exists(dataDir.resolve("writ.mv.db"))).isTrue();
            assertThat(Files.exists(dataDir.resolve("jwt-secret"))).isTrue();
        }
    }
}
