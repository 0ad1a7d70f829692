package io.writ.rego.builtins;

/** What a built-in may read from the evaluation that calls it. */
public interface BuiltinContext {

    /** The evaluation's clock: the same value for every call within one evaluation (time.now_ns). */
    long nowNanos();

    /** A context for tests and tools: the clock is read once, at creation. */
    static BuiltinContext fixed(long nowNanos) {
        return () -> nowNanos;
    }
}
