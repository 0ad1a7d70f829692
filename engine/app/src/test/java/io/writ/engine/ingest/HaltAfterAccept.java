package io.writ.engine.ingest;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Test only: halts the JVM the moment {@code POST /v1/signals} has produced its 202 — after the batch's commit,
 * before a byte of the answer is sent — to show that an acknowledged batch is already on disk.
 */
@ServerFilter("/v1/signals")
@Requires(property = "writ.test.halt-after-accept", value = "true")
public class HaltAfterAccept {
    @ResponseFilter
    public void halt(MutableHttpResponse<?> response) {
        if (response.code() == 202) {
            System.out.println("ACCEPTED");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
