package io.writ.engine.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's own meters, served on {@code /prometheus}. Slices call this facade rather than Micrometer
 * so that names, tags and histogram settings stay in one place:
 * <ul>
 *   <li>{@code writ_evaluations_total{engine,outcome}} and the latency histogram
 *       {@code writ_evaluation_duration_seconds{engine,outcome}} — outcome is {@code decided},
 *       {@code undefined} (the policy has no value at that path) or {@code error};</li>
 *   <li>{@code writ_signals_accepted_total}, {@code writ_signals_rejected_total};</li>
 *   <li>{@code writ_cases{status}}, a gauge per case status, read when scraped;</li>
 *   <li>{@code writ_enforcement_actions_total{outcome}} — applied, verified, failed_retryable, failed_final, held,
 *       released, reverted, restored, dry_run — and {@code writ_enforcement_deadline_warnings_total};</li>
 *   <li>{@code writ_enforcement_paused} (1 while the kill switch is on) and {@code writ_enforcement_held} (actions
 *       waiting for an admin), gauges read when scraped.</li>
 * </ul>
 */
@Singleton
public class Metrics {
    public static final String DECIDED = "decided";
    public static final String UNDEFINED = "undefined";
    public static final String ERROR = "error";

    private final MeterRegistry registry;
    private final Counter signalsAccepted;
    private final Counter signalsRejected;
    // one pair of meters per (engine, outcome): looked up on every evaluation, so cached here
    private final Map<String, EvaluationMeters> evaluations = new ConcurrentHashMap<>();

    private record EvaluationMeters(Counter count, Timer latency) {
    }

    /** @param registry Micronaut's registry; null when metrics are turned off, and then meters stay in memory */
    public Metrics(@Nullable MeterRegistry registry) {
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.signalsAccepted = Counter.builder("writ.signals.accepted")
                .description("Signals accepted and stored").register(this.registry);
        this.signalsRejected = Counter.builder("writ.signals.rejected")
                .description("Signals rejected (invalid, or in a rejected batch)").register(this.registry);
    }

    /** Meters kept in memory only: for code built outside the application context (unit tests, CLI). */
    public static Metrics detached() {
        return new Metrics(new SimpleMeterRegistry());
    }

    /**
     * Runs one policy evaluation and records it: a null result counts as {@code undefined}, an exception as
     * {@code error} (and is rethrown).
     */
    public <T> T evaluation(String engine, Supplier<T> evaluation) {
        long start = System.nanoTime();
        String outcome = ERROR;
        try {
            T result = evaluation.get();
            outcome = result == null ? UNDEFINED : DECIDED;
            return result;
        } finally {
            EvaluationMeters m = evaluations.computeIfAbsent(engine + '\u0000' + outcome, k -> evaluationMeters(engine, k));
            m.count().increment();
            m.latency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private EvaluationMeters evaluationMeters(String engine, String key) {
        String outcome = key.substring(key.indexOf('\u0000') + 1);
        Counter count = Counter.builder("writ.evaluations")
                .description("Policy evaluations by engine and outcome")
                .tags("engine", engine, "outcome", outcome)
                .register(registry);
        Timer latency = Timer.builder("writ.evaluation.duration")
                .description("Policy evaluation latency by engine and outcome")
                .tags("engine", engine, "outcome", outcome)
                .publishPercentileHistogram()
                // evaluations take microseconds embedded, milliseconds over HTTP: keep the buckets in that range
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        return new EvaluationMeters(count, latency);
    }

    public void signalsAccepted(long n) {
        signalsAccepted.increment(n);
    }

    public void signalsRejected(long n) {
        signalsRejected.increment(n);
    }

    /**
     * Registers the gauge {@code writ_cases{status="..."}}; {@code count} is called on each scrape, so it should
     * be cheap (one indexed count). Registering a status twice keeps the first supplier.
     */
    public void casesByStatus(String status, Supplier<Number> count) {
        Gauge.builder("writ.cases", count)
                .description("Review cases by status")
                .tag("status", status)
                .strongReference(true)
                .register(registry);
    }

    /** Counts one enforcement step's outcome, e.g. {@code applied} or {@code failed_final}. */
    public void enforcementStep(String outcome) {
        Counter.builder("writ.enforcement.actions").description("Enforcement action steps by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** Counts a warning that an applied action's change becomes irreversible soon (provider data deletion). */
    public void enforcementDeadlineWarning() {
        Counter.builder("writ.enforcement.deadline.warnings")
                .description("Warnings that an enforcement becomes irreversible (data deletion) soon").register(registry).increment();
    }

    /** Registers the enforcement gauges: whether execution is paused, and how many actions are held. */
    public void enforcementGauges(Supplier<Number> paused, Supplier<Number> held) {
        Gauge.builder("writ.enforcement.paused", paused).description("1 while the enforcement kill switch is on")
                .strongReference(true).register(registry);
        Gauge.builder("writ.enforcement.held", held).description("Enforcement actions held by the blast-radius cap")
                .strongReference(true).register(registry);
    }

    /** The registry behind the facade, for tests and for meters that belong nowhere else. */
    public MeterRegistry registry() {
        return registry;
    }
}
