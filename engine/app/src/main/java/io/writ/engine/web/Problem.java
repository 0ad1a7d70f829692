package io.writ.engine.web;

import io.micronaut.http.HttpStatus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the API reports as RFC 9457 problem details. {@code type} is a short slug under
 * {@code https://writ.dev/problems/}; {@code detail} says what was wrong in words a caller can act on.
 */
public final class Problem extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final Map<String, Object> members;

    public Problem(HttpStatus status, String type, String detail) {
        this(status, type, detail, Map.of());
    }

    private Problem(HttpStatus status, String type, String detail, Map<String, Object> members) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.members = members;
    }

    /**
     * This problem with an RFC 9457 extension member, e.g. {@code errors}: a list of
     * {@code {"pointer": ..., "detail": ...}}. The value must be serializable as JSON (maps, lists, strings, numbers).
     */
    public Problem with(String member, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(members);
        m.put(member, value);
        return new Problem(status, type, getMessage(), Collections.unmodifiableMap(m));
    }

    /** The extension members, in the order they were added. */
    public Map<String, Object> members() {
        return members;
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
