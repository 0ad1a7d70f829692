package io.writ.engine.evaluation;

/**
 * A policy engine that could not answer: a remote engine unreachable, too slow, or answering with an
 * error. The evaluation endpoints turn it into problem+json (503, 504 and 502).
 */
public final class PolicyEngineException extends RuntimeException {
    /** Why the engine did not answer. */
    public enum Reason {
        /** Not reachable (connection refused, unknown host...). */
        UNAVAILABLE,
        /** No answer within the configured timeout. */
        TIMEOUT,
        /** It answered, with an error or with something that is not a Data API response. */
        FAILED
    }

    private final Reason reason;

    public PolicyEngineException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
