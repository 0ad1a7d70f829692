package io.writ.rego.topdown;

import io.writ.rego.ast.Location;

import java.util.function.BiConsumer;

/**
 * Per-evaluation settings.
 *
 * @param strictBuiltinErrors built-in errors fail the evaluation (OPA's strict mode) instead of making the
 *                            expression undefined
 * @param printSink           where {@code print} output goes (location, line)
 * @param maxSteps            expression evaluations before the policy is stopped with eval_limit_error
 * @param maxDepth            nested rule and function evaluations before the policy is stopped
 * @param timeoutNanos        wall time before the policy is stopped; 0 for none
 * @param nowNanos            the clock for time.now_ns, or null to read the system clock once
 */
public record EvalOptions(boolean strictBuiltinErrors, BiConsumer<Location, String> printSink, long maxSteps,
                          int maxDepth, long timeoutNanos, Long nowNanos) {

    public static final EvalOptions DEFAULT = new EvalOptions(false, (l, s) -> { }, 10_000_000L, 1_000,
            5_000_000_000L, null);

    public EvalOptions withStrict(boolean strict) {
        return new EvalOptions(strict, printSink, maxSteps, maxDepth, timeoutNanos, nowNanos);
    }

    public EvalOptions withPrintSink(BiConsumer<Location, String> sink) {
        return new EvalOptions(strictBuiltinErrors, sink, maxSteps, maxDepth, timeoutNanos, nowNanos);
    }

    public EvalOptions withLimits(long steps, int depth, long timeoutNanos) {
        return new EvalOptions(strictBuiltinErrors, printSink, steps, depth, timeoutNanos, nowNanos);
    }

    public EvalOptions withNow(Long nowNanos) {
        return new EvalOptions(strictBuiltinErrors, printSink, maxSteps, maxDepth, timeoutNanos, nowNanos);
    }
}
