package io.writ.engine.ingest;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.writ.engine.tenants.DossierStore;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link RestartTest}: posts batches, lets a checkpoint write snapshots of some of them, posts
 * more, and halts the JVM — no shutdown hooks, so no last checkpoint: what came after the checkpoint exists only in
 * the signal log, which the next start must read back from the checkpoint's position.
 */
public final class CrashAfterCheckpoint {
    private CrashAfterCheckpoint() {
    }

    public static void main(String[] args) {
        // checkpoints only when this program asks for one
        ApplicationContext ctx = RestartTest.start(Path.of(args[0]), "classpath:test-bundle",
                Map.of("writ.dossier.checkpoint-interval", "0s"));
        try (HttpClient client = HttpClient.create(ctx.getBean(EmbeddedServer.class).getURL())) {
            for (int i = 0; i < 10; i++) {
                if (i == 5) {
                    System.out.println("CHECKPOINTED " + ctx.getBean(DossierStore.class).checkpoint(true));
                }
                client.toBlocking().exchange(HttpRequest.POST("/v1/signals", RestartTest.estimates(i))
                        .contentType("application/json").bearerAuth(RestartTest.token("pipeline")), String.class);
            }
            System.out.println("ACCEPTED 10");
        } catch (RuntimeException e) {
            System.out.println("FAILED: " + e.getMessage());
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
