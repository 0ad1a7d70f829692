package io.writ.connector;

import java.time.Duration;
import java.util.Optional;

/**
 * A connector step that did not succeed. The {@link Kind} tells the engine what to do next: retry a
 * {@link Kind#TRANSIENT} failure later (after {@link #retryAfter()} when the provider said so), stop and show a
 * {@link Kind#FINAL} one on the case (permission denied, target gone), and refuse an {@link Kind#INVALID} action
 * before anything is attempted. Messages carry the provider's error code and message, never credentials.
 */
public class ConnectorException extends Exception {
    public enum Kind { TRANSIENT, FINAL, INVALID }

    private final Kind kind;
    private final String code;
    private final int status;
    private final Duration retryAfter;

    public ConnectorException(Kind kind, String code, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static ConnectorException invalid(String message) {
        return new ConnectorException(Kind.INVALID, "InvalidAction", 0, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's error code (e.g. ARM's {@code AuthorizationFailed}), or one of ours. */
    public String code() {
        return code;
    }

    /** The provider's HTTP status, 0 when there was no response (timeout, reset connection). */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
