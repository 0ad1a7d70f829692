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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs evaluations in the background, coalesced per tenant: at most one evaluation of a tenant runs at a
 * time, and a request that arrives while one runs only marks the tenant to be looked at again, so that the
 * newest dossier version is always the last one decided and intermediate versions may be skipped. At start
 * it schedules every tenant whose newest version has no decision, so nothing acknowledged is left undecided
 * by a restart.
 */
@Singleton
public class EvaluationScheduler implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationScheduler.class);

    /** A tenant with an evaluation queued or running; {@code again} means "newer input arrived meanwhile". */
    private static final class Pending {
        boolean again;
    }

    private final DossierEvaluator evaluator;
    private final DossierStore dossiers;
    private final ExecutorService executor;
    // Only ever changed through compute(), which is atomic per key: the hand-over between a finishing run
    // and a new request for the same tenant cannot lose the request or start a second run.
    private final ConcurrentHashMap<String, Pending> active = new ConcurrentHashMap<>();

    public EvaluationScheduler(DossierEvaluator evaluator, DossierStore dossiers,
                               @Value("${writ.evaluation.threads:2}") int threads) {
        this.evaluator = evaluator;
        this.dossiers = dossiers;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "writ-evaluation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
            try {
                executor.execute(() -> run(tenantId));
            } catch (RejectedExecutionException e) {
                active.remove(tenantId); // shutting down: the restart picks the tenant up
            }
        }
    }

    private void run(String tenantId) {
        while (true) {
            try {
                evaluator.decideLatest(tenantId);
            } catch (RuntimeException e) {
                LOG.error("evaluation of tenant {} failed: {}", tenantId, e.getMessage());
            }
            Pending left = active.compute(tenantId, (k, p) -> {
                if (p != null && p.again) {
                    p.again = false;
                    return p;
                }
                return null;
            });
            if (left == null) {
                return;
            }
        }
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
        // a run cut short leaves its version undecided in the database, and the next start decides it
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }
}
