package io.writ.engine.audit;

import io.writ.engine.tenants.Dossier;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.transaction.support.TransactionSynchronization;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The audit log: every change Writ makes is appended as one leaf of an RFC 9162 Merkle tree whose signed
 * checkpoints auditors verify (docs/audit-log.md).
 *
 * <p>{@link #append} writes the masked, canonical entry in the caller's transaction: it exists exactly when
 * the change does, and callers never wait on each other. A sequencer (one thread per instance) then takes the
 * committed entries in order, gives them leaf indices, stores the new tree nodes and a signed checkpoint, and
 * removes them from the queue, all in one transaction of its own; entries become provable a moment after their
 * commit, as in Certificate Transparency. Entries committed before a crash are sequenced at the next start.
 * Several instances may share a database: leaf indices and checkpoint sizes are unique keys, so when two
 * sequencers race, one commits and the other rolls back and tries again on the newer tree.
 */
@Context
public class AuditLog implements AutoCloseable {
    public static final String DEFAULT_ORIGIN = "writ.local/audit";
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int BATCH = 2_000;

    private final AuditStore store;
    private final TransactionOperations<Connection> tx;
    private final EntryMask mask;
    private final LogKey key;
    private final String origin;
    private final Duration poll;
    private final long gatherMillis;
    private final int fullInputEvery;
    private final ReentrantLock sequencing = new ReentrantLock();
    private final Semaphore wake = new Semaphore(0);
    private final Thread sequencer;
    private volatile boolean running = true;
    private Frontier frontier;
    /** How often the sequencer vacuums the list of waiting entries ({@link AuditStore#vacuumPending}); 0: never. */
    private final long vacuumNanos;
    private long vacuumedAt = System.nanoTime();
    private boolean vacuumSkipped;

    public AuditLog(AuditStore store, TransactionOperations<Connection> tx, EntryMask mask, LogKey key,
                    @Value("${writ.log.origin:" + DEFAULT_ORIGIN + "}") String origin,
                    @Value("${writ.log.sequence-interval:250ms}") Duration poll,
                    @Value("${writ.log.gather:80ms}") Duration gather,
                    @Value("${writ.log.full-input-every:64}") int fullInputEvery,
                    @Value("${writ.log.vacuum-interval:2s}") Duration vacuumInterval) {
        this.fullInputEvery = Math.max(1, fullInputEvery);
        this.vacuumNanos = vacuumInterval.toNanos();
        this.gatherMillis = gather.toMillis();
        this.store = store;
        this.tx = tx;
        this.mask = mask;
        this.key = key;
        this.origin = origin;
        this.poll = poll;
        // catch up at once: entries committed before a crash or by a stopped instance get their leaves now
        sync();
        this.sequencer = Thread.ofPlatform().daemon().name("writ-audit-sequencer").start(this::run);
    }

    /**
     * Appends an entry of {@code kind} (e.g. {@code decision}, {@code case.approve}) in the caller's transaction,
     * which must exist. The entry is {@code body} plus {@code kind}, {@code logged_at} and {@code masked} (the
     * JSON pointers erased by {@link EntryMask}); a string {@code tenant} or {@code case} member of the body is
     * what the audit view filters on.
     *
     * @throws IllegalArgumentException when the body uses one of the three names the log sets
     */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void append(String kind, ObjectValue body) {
        append(prepare(kind, body));
    }

    /** An entry masked and in its canonical form, ready to append: the work of an append that needs no database. */
    public record Prepared(String kind, String tenant, String caseId, Instant at, String json, byte[] leafHash) {
    }

    /**
     * Masks and canonicalises an entry without touching the database, so that a caller can do it before its
     * transaction (the decision writer appends many entries in one, and should not also compute them there).
     *
     * @throws IllegalArgumentException when the body uses one of the three names the log sets
     */
    public Prepared prepare(String kind, ObjectValue body) {
        Instant at = now();
        return prepared(kind, body, at, Jcs.canonicalize(masked(kind, body, at), 4096));
    }

    /**
     * The masked input of a tenant's last logged decision, and the patches counted since its last whole input (the
     * next entry is whole when {@code patches + 1} reaches {@code writ.log.full-input-every}).
     */
    public record InputBase(String decision, ObjectValue input, int patches) {
    }

    /** A decision's entry, and the base the tenant's next decision entry may be written against. */
    public record PreparedDecision(Prepared entry, InputBase next) {
    }

    /**
     * Prepares a decision's entry ({@link Entries#decision}). With the tenant's {@code previous} logged decision,
     * the entry holds its input as a patch against that decision's ({@code input_base}, {@code input_patch},
     * {@code input_sha256}) instead of whole, unless this would be the {@code writ.log.full-input-every}-th patch
     * in a row (a tenant's first chain is shorter by a share of its own) or the patch is not much smaller than the
     * input. Masking sees the whole entry either way, and the patch is taken between masked inputs, so it holds
     * nothing the whole entry would not. {@code known} is the
     * input with its canonical text (a dossier assembled here), whose SHA-256 is the body's {@code dossier_sha256}.
     * The caller keeps {@link PreparedDecision#next} once the entry is committed, and passes null after a failure:
     * a patch's base must be the tenant's previous decision entry in the log.
     */
    public PreparedDecision prepareDecision(ObjectValue body, @Nullable Jcs.Known known, @Nullable InputBase previous) {
        Instant at = now();
        ObjectValue masked = masked(Entries.DECISION, body, at);
        // null when the mask policy erased the whole input: nothing to patch, then or next time
        ObjectValue input = masked.get("input") instanceof ObjectValue o ? o : null;
        String decision = text(body, "decision");
        int full = known == null ? 16384 : known.text().length();
        if (previous != null && input != null && previous.input() != null && previous.patches() + 1 < fullInputEvery) {
            ArrayValue patch = InputPatch.diff(previous.input(), input);
            String patchText = Jcs.canonicalize(patch, 1024);
            if (patchText.length() < full / 2) {
                // nothing masked from the input: its canonical text is the dossier's, whose hash the body names already
                String sha256 = known != null && input == known.value() ? text(body, "dossier_sha256")
                        : Dossier.sha256(Jcs.canonicalize(input, full));
                ObjectValue.Builder b = ObjectValue.builder();
                for (int k = 0; k < masked.size(); k++) {
                    if (!ObjectValue.keyText(masked.keyAt(k)).equals("input")) {
                        b.put(masked.keyAt(k), masked.valueAt(k));
                    }
                }
                String json = Jcs.canonicalize(b.put("input_base", StringValue.of(previous.decision()))
                        .put("input_patch", patch).put("input_sha256", StringValue.of(sha256)).build(),
                        patchText.length() + 2048, new Jcs.Known(patch, patchText));
                return new PreparedDecision(prepared(Entries.DECISION, body, at, json),
                        new InputBase(decision, input, previous.patches() + 1));
            }
        }
        String json = Jcs.canonicalize(masked, full + 2048, known);
        // a tenant's first chain in this process is shorter by a share that depends on the tenant: tenants that start
        // together write their next whole inputs at different moments, not all in one burst
        String tenant = text(body, "tenant");
        int counted = previous == null && tenant != null ? Math.floorMod(tenant.hashCode(), fullInputEvery) : 0;
        return new PreparedDecision(prepared(Entries.DECISION, body, at, json), new InputBase(decision, input, counted));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The entry: the body with {@code kind} and {@code logged_at}, masked, with {@code masked} naming what was erased. */
    private ObjectValue masked(String kind, ObjectValue body, Instant at) {
        for (String reserved : List.of("kind", "logged_at", "masked")) {
            if (body.get(reserved) != null) {
                throw new IllegalArgumentException("an audit entry body must not set '" + reserved + "'; the log does");
            }
        }
        ObjectValue entry = body.toBuilder().put("kind", StringValue.of(kind)).put("logged_at", StringValue.of(at.toString())).build();
        EntryMask.MaskedValue m = mask.mask(entry);
        return m.entry().toBuilder()
                .put("masked", ArrayValue.wrap(m.erased().stream().map(StringValue::of).toArray(io.writ.rego.value.Value[]::new))).build();
    }

    private static Prepared prepared(String kind, ObjectValue body, Instant at, String json) {
        // hashed here too, on the caller's thread: the sequencer then reads hashes, never the entries' texts
        return new Prepared(kind, text(body, "tenant"), text(body, "case"), at, json,
                Merkle.leafHash(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Appends a prepared entry in the caller's transaction, which must exist. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void append(Prepared p) {
        append(List.of(p));
    }

    /** Appends prepared entries, in this order, in the caller's transaction, which must exist. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void append(List<Prepared> entries) {
        if (entries.isEmpty()) {
            return;
        }
        store.enqueue(entries);
        tx.findTransactionStatus().ifPresent(status -> status.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wake.release();
            }
        }));
    }

    private static String text(ObjectValue body, String member) {
        return body.get(member) instanceof StringValue s ? s.value() : null;
    }

    /** The log's origin: the first line of its checkpoints and the name of its key. */
    public String origin() {
        return origin;
    }

    /** The key auditors verify checkpoints with. */
    public VerifierKey verifierKey() {
        return key.verifier();
    }

    /**
     * Sequences every entry committed so far and returns the newest signed checkpoint (the signed note).
     * The sequencer does this by itself; tests and tools call it to wait for it.
     */
    public String sync() {
        sequencing.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    while (pass() > 0) {
                        // until the queue is empty
                    }
                    break;
                } catch (RuntimeException e) {
                    // another instance's sequencer took these leaf indices first: start again on its tree
                    if (attempt == 5) {
                        throw e;
                    }
                    Thread.sleep(20L * attempt);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sequencing the audit log", e);
        } finally {
            sequencing.unlock();
        }
        return latestNote();
    }

    /** The newest signed checkpoint. */
    public String latestNote() {
        return tx.executeRead(s -> store.latestCheckpoint().map(SignedCheckpoint::note).orElseThrow(
                () -> new IllegalStateException("the audit log has no checkpoint yet")));
    }

    private void run() {
        while (running) {
            try {
                if (wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                    // let the commits of a busy moment gather: one pass, one checkpoint and one commit for all of them
                    Thread.sleep(gatherMillis);
                }
                wake.drainPermits();
                if (running) {
                    sync();
                    vacuumWhenDue();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the database is away, or another instance took these leaves first: the next pass starts afresh
                LOG.warn("audit log sequencing failed, retrying: {}", e.getMessage());
                frontier = null;
                pause();
            }
        }
    }

    /** Vacuums the list of waiting entries every {@code writ.log.vacuum-interval}; a failure is logged, no more. */
    private void vacuumWhenDue() {
        if (vacuumNanos <= 0 || System.nanoTime() - vacuumedAt < vacuumNanos) {
            return;
        }
        vacuumedAt = System.nanoTime();
        try {
            String skipped = store.vacuumPending();
            if (skipped != null && !vacuumSkipped) {
                vacuumSkipped = true;
                LOG.warn("the audit sequencer cannot vacuum audit_pending ({}); its query for waiting entries slows down "
                        + "between autovacuum's rounds: see docs/audit-log.md, production database grants", skipped);
            }
        } catch (RuntimeException e) {
            LOG.warn("the audit sequencer could not vacuum audit_pending: {}", e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** One sequencing transaction; returns how many entries it appended. */
    private int pass() {
        Frontier[] next = new Frontier[1];
        List<AuditStore.Node> written = new ArrayList<>();
        int appended;
        try {
            appended = tx.executeWrite(status -> {
                long size = store.latestCheckpoint().map(SignedCheckpoint::size).orElse(-1L);
                if (size < 0) {
                    // a new log: its first checkpoint is the empty tree
                    Checkpoint empty = new Checkpoint(origin, 0, Merkle.emptyRoot());
                    store.insertCheckpoint(new SignedCheckpoint(0, empty.root(), empty.sign(key)), Instant.now());
                    size = 0;
                }
                Frontier f = frontier != null && frontier.size() == size ? frontier.copy()
                        : Frontier.load(store.nodes(status.getConnection()), size);
                List<AuditStore.Queued> queued = store.queued(BATCH);
                if (queued.isEmpty()) {
                    next[0] = f;
                    return 0;
                }
                long first = f.size();
                List<AuditStore.Node> nodes = new ArrayList<>(queued.size() * 2);
                for (AuditStore.Queued q : queued) {
                    // entries written before V8 carry no hash: their text is read and hashed here
                    f.append(q.leafHash() != null ? q.leafHash() : Merkle.leafHash(q.json().getBytes(StandardCharsets.UTF_8)),
                            nodes);
                }
                Checkpoint head = new Checkpoint(origin, f.size(), f.root());
                store.append(first, queued, nodes, new SignedCheckpoint(head.size(), head.root(), head.sign(key)),
                        Instant.now());
                next[0] = f;
                written.addAll(nodes);
                return queued.size();
            });
        } catch (RuntimeException e) {
            frontier = null;
            throw e;
        }
        frontier = next[0];
        // only once committed: a rolled-back pass's nodes were never the log's
        for (AuditStore.Node n : written) {
            store.remember(n.level(), n.index(), n.hash());
        }
        return appended;
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        // woken, not interrupted: an interrupt that lands while H2 writes its file closes the file channel
        // (ClosedByInterruptException), and with it the database for every other thread still shutting down
        wake.release();
        try {
            sequencer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
