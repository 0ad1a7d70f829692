package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.writ.engine.tenants.DossierStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs evaluations in the background, coalesced per tenant: at most one evaluation of a tenant runs at a
 * time, and a request that arrives while one runs only marks the tenant to be looked at again, so that the
 * newest dossier version is always the last one decided and intermediate versions may be skipped. A tenant
 * whose signals keep coming is evaluated at most once per {@code writ.evaluation.min-interval} (500 ms): under
 * load the evaluations a tenant needs stay bounded however many batches touch it, and the lag from acceptance
 * to decision stays within that interval plus one evaluation. An evaluation that fails (the policy errs, the
 * OPA server is down, the database refuses) is tried again after {@code writ.evaluation.retry-backoff} (1 s),
 * doubling up to a minute, {@code writ.evaluation.retry-attempts} times (8) — not only when the tenant's next
 * batch arrives. At start it schedules every tenant whose newest version has no decision, so nothing
 * acknowledged is left undecided by a restart.
 */
@Singleton
public class EvaluationScheduler implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationScheduler.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** A tenant with an evaluation queued, running or waiting to retry. */
    private static final class Pending {
        /** Newer input arrived while a run was queued or running. */
        boolean again;
        /** Failed runs in a row. */
        int failures;
    }

    private final DossierEvaluator evaluator;
    private final DossierStore dossiers;
    private final ScheduledExecutorService executor;
    /** Stores decisions, many at a time, while the evaluation threads go on to the next tenants. */
    private final ExecutorService writes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "writ-decision-writer");
        t.setDaemon(true);
        return t;
    });
    private final long minIntervalNanos;
    private final Duration retryBackoff;
    private final int retryAttempts;
    // Only ever changed through compute(), which is atomic per key: the hand-over between a finishing run
    // and a new request for the same tenant cannot lose the request or start a second run.
    private final ConcurrentHashMap<String, Pending> active = new ConcurrentHashMap<>();

    public EvaluationScheduler(DossierEvaluator evaluator, DossierStore dossiers,
                               @Value("${writ.evaluation.threads:2}") int threads,
                               @Value("${writ.evaluation.min-interval:500ms}") Duration minInterval,
                               @Value("${writ.evaluation.retry-backoff:1s}") Duration retryBackoff,
                               @Value("${writ.evaluation.retry-attempts:8}") int retryAttempts) {
        this.evaluator = evaluator;
        this.dossiers = dossiers;
        this.minIntervalNanos = minInterval.toNanos();
        this.retryBackoff = retryBackoff;
        this.retryAttempts = retryAttempts;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "writ-evaluation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // at shutdown, runs waiting for their interval or a retry are dropped (the next start decides those tenants)
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = pool;
    }

    /** Asks for the tenant's newest dossier version to be decided; call after the version is committed. */
    public void schedule(String tenantId) {
        boolean[] start = new boolean[1];
        active.compute(tenantId, (k, p) -> {
            if (p == null) {
                start[0] = true;
                return new Pending();
            }
            p.again = true;
            return p;
        });
        if (start[0]) {
            submit(tenantId, 0);
        }
    }

    private void submit(String tenantId, long delayNanos) {
        try {
            executor.schedule(() -> run(tenantId), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            active.remove(tenantId); // shutting down: the restart picks the tenant up
        }
    }

    private void run(String tenantId) {
        long started = System.nanoTime();
        CompletableFuture<?> decided;
        try {
            decided = evaluator.decide(tenantId, writes);
        } catch (RuntimeException e) {
            decided = CompletableFuture.failedFuture(e);
        }
        decided.whenComplete((r, e) -> finish(tenantId, started, e));
    }

    /** After a tenant's decision is stored (or its evaluation failed): go again, retry, or let the tenant rest. */
    private void finish(String tenantId, long started, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean failed = cause != null;
        if (failed && !(cause instanceof DossierEvaluator.Failed)) {
            // the policy's failures are logged where the dossier is at hand to scrub the message
            LOG.error("evaluation of tenant {} failed: {}", tenantId, cause.getMessage());
        }
        boolean retry = failed;
        long[] delay = new long[1];
        Pending left = active.compute(tenantId, (k, p) -> {
            if (p == null) {
                return null;
            }
            p.failures = retry ? p.failures + 1 : 0;
            if (retry && p.failures <= retryAttempts) {
                delay[0] = backoff(p.failures).toNanos();
                p.again = false;
                return p;
            }
            if (p.again) {
                // more input came meanwhile: decide it, but not sooner than the interval after this run began
                delay[0] = Math.max(0, started + minIntervalNanos - System.nanoTime());
                p.again = false;
                p.failures = 0;
                return p;
            }
            if (retry) {
                LOG.error("giving up on tenant {} after {} failed evaluations; its next batch, a restart or a new "
                        + "policy bundle tries again", tenantId, p.failures);
            }
            return null;
        });
        if (left != null) {
            submit(tenantId, delay[0]);
        }
    }

    private Duration backoff(int failures) {
        Duration d = retryBackoff.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** True when no evaluation is queued or running. */
    public boolean idle() {
        return active.isEmpty();
    }

    /** Waits until no evaluation is queued or running; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!active.isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        catchUp();
    }

    /**
     * Schedules every tenant whose newest dossier version has no decision: at start, and whenever versions
     * may have been left undecided (e.g. after a policy bundle that failed is replaced by a good one).
     */
    public int catchUp() {
        List<String> undecided = dossiers.tenantsAwaitingDecision();
        if (!undecided.isEmpty()) {
            LOG.info("{} tenants have an undecided dossier version; evaluating them", undecided.size());
        }
        undecided.forEach(this::schedule);
        return undecided.size();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        writes.shutdown();
        // a run cut short leaves its version undecided in the database, and the next start decides it
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
        if (!writes.awaitTermination(10, TimeUnit.SECONDS)) {
            writes.shutdownNow();
        }
    }
}
