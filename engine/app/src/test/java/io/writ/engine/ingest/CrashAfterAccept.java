package io.writ.engine.ingest;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link RestartTest}: starts the service on a data directory and posts one batch;
 * {@link HaltAfterAccept} halts the JVM as soon as the 202 is ready — no shutdown hooks, no orderly close of
 * the database.
 */
public final class CrashAfterAccept {
    private CrashAfterAccept() {
    }

    public static void main(String[] args) {
        ApplicationContext ctx = RestartTest.start(Path.of(args[0]), "classpath:test-bundle",
                Map.of("writ.test.halt-after-accept", "true"));
        try (HttpClient client = HttpClient.create(ctx.getBean(EmbeddedServer.class).getURL())) {
            client.toBlocking().exchange(HttpRequest.POST("/v1/signals", args[1]).contentType("application/json")
                    .bearerAuth(RestartTest.token("pipeline")), String.class);
        } catch (RuntimeException e) {
            System.out.println("NOT HALTED: " + e.getMessage());
        }
        Runtime.getRuntime().halt(3);
    }
}
