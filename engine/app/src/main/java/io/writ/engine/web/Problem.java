package io.writ.engine.web;

import io.micronaut.http.HttpStatus;

/**
 * An error the API reports as RFC 9457 problem details. {@code type} is a short slug under
 * {@code https://writ.dev/problems/}; {@code detail} says what was wrong in words a caller can act on.
 */
public final class Problem extends RuntimeException {
    private final HttpStatus status;
    private final String type;

    public Problem(HttpStatus status, String type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
    }

    public static Problem badRequest(String detail) {
        return new Problem(HttpStatus.BAD_REQUEST, "malformed-request", detail);
    }

    public static Problem unprocessable(String detail) {
        return new Problem(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-content", detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }
}
