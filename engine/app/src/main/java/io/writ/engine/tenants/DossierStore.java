package io.writ.engine.tenants;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.audit.AuditLog;
import io.writ.engine.audit.Jcs;
import io.writ.engine.storage.DatabaseOwner;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Tenants' dossiers (V7__signal_log.sql). The signal log — one {@code signal_batch} row per accepted batch,
 * numbered in acceptance order — is the durable input; a dossier version is the fold ({@link DossierMerger}) of its
 * tenant's signals up to that version. The one service instance that owns the database keeps each active tenant's
 * head and newest dossier in memory, so accepting a batch writes one row and evaluating reads nothing. A
 * checkpoint ({@code writ.dossier.checkpoint-interval}, 1 s) writes, in one transaction, a snapshot and the head
 * row of every tenant whose versions have waited {@code writ.dossier.checkpoint-after} (10 s) — those waiting
 * longest first, and per pass only the share of the waiting tenants that writes each about once per
 * checkpoint-after (at most {@code writ.dossier.checkpoint-max}, 250) — and the log position
 * from which a restart must read batches again; a start reads them, so nothing acknowledged is lost by a crash and
 * a restart reads seconds of log, not all of it. Tenants with nothing waiting are forgotten, least recently used
 * first, beyond {@code writ.dossier.cache-size} (2000) and read back from their snapshot when needed.
 *
 * <p>Locking: {@link #append} runs one writer at a time under {@code appendLock}, which the checkpoint also takes
 * to see a consistent set of waiting tenants and log position, and which reads of a tenant not in memory take so
 * that what they load cannot be overtaken by a batch. Each {@link TenantState} guards its own fields.
 */
@Singleton
public class DossierStore {
    private static final Logger LOG = LoggerFactory.getLogger(DossierStore.class);

    private final TransactionOperations<Connection> tx;
    private final int cacheSize;
    private final long checkpointAfterNanos;
    private final Duration checkpointInterval;
    /** Snapshots one checkpoint pass writes at most (but all at shutdown). */
    private final int checkpointMax;
    private final Map<String, TenantState> states = new ConcurrentHashMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Guarded by appendLock: the next batch's log position. */
    private long nextSeq;
    /** Guarded by appendLock: a write failed and whether it committed is unknown; memory may be behind the log. */
    private boolean unsure;
    /** The log position last written to signal_checkpoint (only the checkpoint thread, or a test, changes it). */
    private long writtenReplayFrom = -1;
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private ScheduledExecutorService checkpointer;

    /**
     * @param owner              held while this instance runs: no other instance writes the log meanwhile
     * @param cacheSize          tenants with nothing waiting kept in memory ({@code writ.dossier.cache-size})
     * @param checkpointAfter    how long accepted versions may wait for their snapshot ({@code writ.dossier.checkpoint-after})
     * @param checkpointInterval how often the checkpoint looks ({@code writ.dossier.checkpoint-interval}; 0: only when asked)
     * @param checkpointMax      snapshots a pass writes at most ({@code writ.dossier.checkpoint-max}; all at shutdown)
     */
    public DossierStore(TransactionOperations<Connection> tx, DatabaseOwner owner, @Value("${writ.dossier.cache-size:2000}") int cacheSize,
                        @Value("${writ.dossier.checkpoint-after:10s}") Duration checkpointAfter,
                        @Value("${writ.dossier.checkpoint-interval:1s}") Duration checkpointInterval,
                        @Value("${writ.dossier.checkpoint-max:250}") int checkpointMax) {
        this.checkpointMax = Math.max(1, checkpointMax);
        this.tx = tx;
        this.cacheSize = cacheSize;
        this.checkpointAfterNanos = checkpointAfter.toNanos();
        this.checkpointInterval = checkpointInterval;
    }

    /**
     * A version of a dossier, as text with its hash and as a policy input, and the batch that made it;
     * {@code canonical} when the text is the value's RFC 8785 form as {@link Jcs} writes it (every version assembled
     * in this process, unless a number in it lies beyond the double range): the next version's text copies from it
     * the entries the two share.
     */
    public record Assembled(Dossier dossier, ObjectValue value, String batchId, @Nullable Jcs.Reusable canonical) {
        long version() {
            return dossier.version();
        }

        /** The value with its canonical text, for an audit entry that holds the value; null when not canonical. */
        public @Nullable Jcs.Known known() {
            return canonical != null ? new Jcs.Known(value, dossier.json()) : null;
        }
    }

    @PostConstruct
    void start() {
        recover();
        if (!checkpointInterval.isZero()) {
            checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "writ-dossier-checkpoint");
                t.setDaemon(true);
                return t;
            });
            long every = checkpointInterval.toMillis();
            checkpointer.scheduleWithFixedDelay(() -> {
                try {
                    checkpoint(false);
                } catch (RuntimeException e) {
                    LOG.error("dossier checkpoint failed, trying again in {} ms: {}", every, e.getMessage());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the checkpoint and writes everything waiting, so that the next start reads no log. */
    @PreDestroy
    void stop() throws InterruptedException {
        if (checkpointer != null) {
            checkpointer.shutdown();
            checkpointer.awaitTermination(10, TimeUnit.SECONDS);
        }
        try {
            checkpoint(true);
        } catch (RuntimeException e) {
            LOG.warn("the last dossier checkpoint failed ({}); the next start reads the log", e.getMessage());
        }
    }

    /** The newest version of the tenant's dossier, if the tenant is known. */
    public Optional<Dossier> latest(String tenantId) {
        return assembleLatest(tenantId).map(Assembled::dossier);
    }

    /** The newest version, assembled. */
    private Optional<Assembled> assembleLatest(String tenantId) {
        TenantState s = state(tenantId);
        return s == null ? Optional.empty() : Optional.of(assemble(tenantId, s));
    }

    /**
     * The newest version, assembled, unless it is decided. This process is the only one that decides, so once it
     * has stored a decision ({@link #markDecided}) it knows; until then {@code decidedInDatabase} is asked.
     */
    public Optional<Assembled> assembleUndecided(String tenantId, BiPredicate<String, Long> decidedInDatabase) {
        TenantState s = state(tenantId);
        if (s == null) {
            return Optional.empty();
        }
        long head;
        long decided;
        synchronized (s) {
            head = s.head;
            decided = s.decided;
        }
        if (decided >= head) {
            return Optional.empty();
        }
        if (decided < 0 && decidedInDatabase.test(tenantId, head)) {
            markDecided(tenantId, head);
            return Optional.empty();
        }
        Assembled a = assemble(tenantId, s);
        return a.version() > decided ? Optional.of(a) : Optional.empty();
    }

    /** Notes that a decision of this version is stored. */
    public void markDecided(String tenantId, long version) {
        markDecided(tenantId, version, null);
    }

    /** Notes that a decision of this version is stored, and the input its log entry held (null: none to keep). */
    public void markDecided(String tenantId, long version, @Nullable AuditLog.InputBase logged) {
        TenantState s = states.get(tenantId);
        if (s != null) {
            synchronized (s) {
                s.decided = Math.max(s.decided, version);
                if (logged != null) {
                    s.loggedInput = logged;
                }
            }
        }
    }

    /**
     * The input of the tenant's newest logged decision, which its next decision entry may be a patch against, taken
     * away: a decision whose write fails never puts it back, and the entry after it is whole. Evaluations of one
     * tenant never overlap ({@code EvaluationScheduler}), so nothing else takes or puts it meanwhile.
     */
    public @Nullable AuditLog.InputBase takeLoggedInput(String tenantId) {
        TenantState s = states.get(tenantId);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            AuditLog.InputBase b = s.loggedInput;
            s.loggedInput = null;
            return b;
        }
    }

    /** The tenant's state: from memory, or loaded from its stored head (under appendLock, so no batch overtakes it). */
    private TenantState state(String tenantId) {
        TenantState s = states.get(tenantId);
        if (s != null) {
            return s;
        }
        appendLock.lock();
        try {
            s = states.get(tenantId);
            if (s == null) {
                s = tx.executeRead(status -> readHeads(status.getConnection(), List.of(tenantId))).get(tenantId);
                if (s != null) {
                    states.put(tenantId, s);
                }
            }
            return s;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Folds what is pending into the newest assembled version (or the stored snapshot) outside the tenant's lock,
     * then keeps the result unless another reader assembled meanwhile; either result is the same version.
     */
    private Assembled assemble(String tenantId, TenantState s) {
        Assembled base;
        List<ObjectValue> todo;
        long head;
        long stored;
        OffsetDateTime at;
        String batchId;
        synchronized (s) {
            s.lastUsed = System.nanoTime();
            if (s.assembled != null && s.assembled.version() == s.head) {
                return s.assembled;
            }
            base = s.assembled;
            todo = List.copyOf(s.pending);
            head = s.head;
            stored = s.stored;
            at = s.headAt;
            batchId = s.headBatchId;
        }
        Assembled from = base != null || stored == 0 ? base
                : tx.executeRead(status -> readSnapshot(status.getConnection(), tenantId, stored, at));
        Assembled a = from; // the stored snapshot is the head when nothing has come since
        if (base != null || stored == 0 || !todo.isEmpty()) {
            ObjectValue folded = DossierMerger.merge(from == null ? null : from.value(), tenantId, todo);
            int expected = from != null ? from.dossier().json().length() + 4096 : 16384;
            String json;
            Jcs.Reusable canonical;
            try {
                // RFC 8785: the text whose hash a decision cites is also the input its log entry holds, written once;
                // the entries no signal replaced keep their texts from the version before
                canonical = Jcs.canonicalizeReusing(folded, expected, from == null ? null : from.canonical());
                json = canonical.text();
            } catch (IllegalArgumentException e) {
                // a number beyond the double range has no canonical form; its plain JSON stores and reads back
                StringBuilder text = new StringBuilder(expected);
                Json.append(folded, text);
                json = text.toString();
                canonical = null;
            }
            a = new Assembled(new Dossier(tenantId, head, json, Dossier.sha256(json), at), folded, batchId, canonical);
        }
        synchronized (s) {
            if (s.assembled == base) {
                s.pending.subList(0, todo.size()).clear();
                s.assembled = a;
            }
        }
        return a;
    }

    /**
     * Snapshots a pass writes when {@code dirty} tenants have versions waiting: enough that each is written about
     * once per {@code after} when a pass comes every {@code interval}, at least one, at most {@code max}; {@code max}
     * when passes are not timed (interval 0) or versions need not wait (after 0).
     */
    static int passLimit(int dirty, Duration interval, Duration after, int max) {
        if (interval.isZero() || after.isZero()) {
            return max;
        }
        double share = Math.ceil(dirty * (interval.toNanos() / (double) after.toNanos()));
        return (int) Math.max(1, Math.min(max, share));
    }

    /** The writer's view of the log while it stores batches: heads, positions, and the versions it appends. */
    public final class Appender {
        private final Map<String, Long> heads = new HashMap<>();
        private final List<Appended> appended = new ArrayList<>();
        private final Map<String, TenantState> loaded = new HashMap<>();

        private Appender() {
        }

        /** The newest versions of these tenants (0: a new tenant). */
        public Map<String, Long> heads(Connection c, Collection<String> tenantIds) {
            List<String> unknown = new ArrayList<>();
            for (String t : tenantIds) {
                TenantState s = states.get(t);
                if (s != null) {
                    synchronized (s) {
                        heads.putIfAbsent(t, s.head);
                    }
                } else if (!heads.containsKey(t)) {
                    unknown.add(t);
                }
            }
            if (!unknown.isEmpty()) {
                Map<String, TenantState> fromDb = readHeads(c, unknown);
                for (String t : unknown) {
                    TenantState s = fromDb.get(t);
                    loaded.put(t, s != null ? s : new TenantState(0, null, null));
                    heads.put(t, s != null ? s.head : 0L);
                }
            }
            Map<String, Long> out = new HashMap<>();
            tenantIds.forEach(t -> out.put(t, heads.get(t)));
            return out;
        }

        /** The next log position. */
        public long nextSeq() {
            return nextSeq++;
        }

        /** Records a version the batch at {@code seq} makes; it becomes visible once the writer's transaction commits. */
        public void append(String tenantId, long version, long seq, String batchId, OffsetDateTime at,
                           List<ObjectValue> signals) {
            appended.add(new Appended(tenantId, version, seq, batchId, at, signals));
        }
    }

    private record Appended(String tenantId, long version, long seq, String batchId, OffsetDateTime at,
                            List<ObjectValue> signals) {
    }

    /**
     * Runs a write of new batches (which must commit before it returns) as the one writer, and then makes the versions
     * it appended the tenants' heads. If the write throws, nothing is applied (positions it took are left unused).
     */
    public <T> T append(Function<Appender, T> write) {
        appendLock.lock();
        try {
            if (unsure) {
                recover();
                unsure = false;
            }
            Appender log = new Appender();
            long first = nextSeq;
            T result;
            try {
                result = write.apply(log);
            } catch (RuntimeException e) {
                if (committedAnyway(first)) {
                    apply(log); // the commit went through although its answer did not come back
                }
                throw e;
            }
            apply(log);
            return result;
        } finally {
            appendLock.unlock();
        }
    }

    private void apply(Appender log) {
        for (Appended a : log.appended) {
            TenantState s = states.computeIfAbsent(a.tenantId(), log.loaded::get);
            synchronized (s) {
                s.append(a.version(), a.seq(), a.batchId(), a.at(), a.signals());
            }
        }
    }

    /**
     * Whether a write that failed stored its batches all the same (a connection lost while committing). When the
     * database cannot say, the next append first reads everything back ({@link #recover}).
     */
    private boolean committedAnyway(long firstSeq) {
        try {
            Long found = tx.executeRead(status -> longOrNull(status.getConnection(),
                    "SELECT MIN(seq) FROM signal_batch WHERE seq >= " + firstSeq));
            return found != null;
        } catch (RuntimeException e) {
            unsure = true;
            return false;
        }
    }

    /**
     * Writes a snapshot and the head row of every tenant whose versions have waited long enough ({@code all}: of
     * every tenant with versions waiting), and the log position a restart reads from; then forgets the least
     * recently used tenants beyond the cache size. Returns how many snapshots it wrote.
     */
    public int checkpoint(boolean all) {
        checkpointLock.lock();
        try {
            long now = System.nanoTime();
            Map<String, TenantState> due = new LinkedHashMap<>();
            long capturedNext;
            long replayFrom;
            List<Waiting> ready = new ArrayList<>();
            int dirty = 0;
            appendLock.lock();
            try {
                capturedNext = nextSeq;
                replayFrom = capturedNext;
                for (Map.Entry<String, TenantState> e : states.entrySet()) {
                    TenantState s = e.getValue();
                    synchronized (s) {
                        if (!s.dirty()) {
                            continue;
                        }
                        dirty++;
                        if (all || now - s.dirtySince >= checkpointAfterNanos) {
                            ready.add(new Waiting(e.getKey(), s, s.dirtySince, s.replayFrom));
                        } else {
                            replayFrom = Math.min(replayFrom, s.replayFrom);
                        }
                    }
                }
            } finally {
                appendLock.unlock();
            }
            // a share of the tenants with versions waiting, so that each is written about once per checkpoint-after,
            // spread evenly over the passes, and never more than checkpoint-max, those waiting longest first: tenants
            // that became active together would otherwise be written together every checkpoint-after, large commits
            // in a row that hold up every other writer; the rest wait, and the log position stays before them
            int limit = passLimit(dirty, checkpointInterval, Duration.ofNanos(checkpointAfterNanos), checkpointMax);
            ready.sort(Comparator.comparingLong(Waiting::since));
            for (int i = 0; i < ready.size(); i++) {
                Waiting w = ready.get(i);
                if (all || i < limit) {
                    due.put(w.tenantId(), w.state());
                } else {
                    replayFrom = Math.min(replayFrom, w.replayFrom());
                }
            }
            List<Assembled> snapshots = new ArrayList<>(due.size());
            for (Map.Entry<String, TenantState> e : due.entrySet()) {
                try {
                    snapshots.add(assemble(e.getKey(), e.getValue()));
                } catch (RuntimeException failed) {
                    // one tenant whose dossier cannot be assembled must not hold up everyone's checkpoint
                    LOG.error("tenant {}: no snapshot this time: {}", e.getKey(), failed.getMessage());
                    synchronized (e.getValue()) {
                        replayFrom = Math.min(replayFrom, e.getValue().replayFrom);
                    }
                }
            }
            long replay = replayFrom;
            if (snapshots.isEmpty() && replay == writtenReplayFrom) {
                evict();
                return 0;
            }
            tx.executeWrite(status -> {
                Connection c = status.getConnection();
                writeSnapshots(c, snapshots);
                try (PreparedStatement st = c.prepareStatement(
                        "UPDATE signal_checkpoint SET replay_from = ?, written_at = ? WHERE id = 1")) {
                    st.setLong(1, replay);
                    st.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                    st.executeUpdate();
                } catch (SQLException e) {
                    throw new StoreException(e);
                }
                return null;
            });
            writtenReplayFrom = replay;
            for (Assembled a : snapshots) {
                TenantState s = due.get(a.dossier().tenantId());
                synchronized (s) {
                    s.stored = Math.max(s.stored, a.version());
                    if (s.dirty()) {
                        // versions that came during the checkpoint were made by batches at or after capturedNext
                        s.replayFrom = capturedNext;
                        s.dirtySince = now;
                    }
                }
            }
            evict();
            return snapshots.size();
        } finally {
            checkpointLock.unlock();
        }
    }

    /** A tenant whose versions have waited long enough for a snapshot, as the checkpoint saw it under its lock. */
    private record Waiting(String tenantId, TenantState state, long since, long replayFrom) {
    }

    private static void writeSnapshots(Connection c, List<Assembled> snapshots) {
        if (snapshots.isEmpty()) {
            return;
        }
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO dossier (tenant_id, dossier_version, dossier_json, "
                + "dossier_sha256, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement upd = c.prepareStatement(
                     "UPDATE tenant_head SET dossier_version = ?, updated_at = ? WHERE tenant_id = ?")) {
            for (Assembled a : snapshots) {
                Dossier d = a.dossier();
                ins.setString(1, d.tenantId());
                ins.setLong(2, d.version());
                ins.setString(3, d.json());
                ins.setString(4, d.sha256());
                ins.setString(5, a.batchId());
                ins.setObject(6, d.createdAt());
                ins.addBatch();
                upd.setLong(1, d.version());
                upd.setObject(2, d.createdAt());
                upd.setString(3, d.tenantId());
                upd.addBatch();
            }
            ins.executeBatch();
            int[] updated = upd.executeBatch();
            try (PreparedStatement add = c.prepareStatement(
                    "INSERT INTO tenant_head (tenant_id, dossier_version, updated_at) VALUES (?, ?, ?)")) {
                boolean any = false;
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] == 0) {
                        Dossier d = snapshots.get(i).dossier();
                        add.setString(1, d.tenantId());
                        add.setLong(2, d.version());
                        add.setObject(3, d.createdAt());
                        add.addBatch();
                        any = true;
                    }
                }
                if (any) {
                    add.executeBatch();
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Forgets tenants with nothing waiting, least recently used first, beyond the cache size. */
    private void evict() {
        int over = states.size() - cacheSize;
        if (over <= 0) {
            return;
        }
        appendLock.lock();
        try {
            List<Map.Entry<String, Long>> clean = new ArrayList<>();
            states.forEach((t, s) -> {
                synchronized (s) {
                    if (!s.dirty()) {
                        clean.add(Map.entry(t, s.lastUsed));
                    }
                }
            });
            clean.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
            clean.stream().limit(over).forEach(e -> states.remove(e.getKey()));
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Forgets everything held in memory and reads the state back from the database: the heads of V6's signal rows
     * folded into snapshots once, then every batch from the checkpoint's log position on. What a start does, and
     * what tests call to see a crash's effect.
     */
    public void recover() {
        appendLock.lock();
        try {
            states.clear();
            tx.executeWrite(status -> {
                Connection c = status.getConnection();
                Long replayFrom = longOrNull(c, "SELECT replay_from FROM signal_checkpoint WHERE id = 1");
                if (replayFrom == null) {
                    int folded = LegacySignals.foldIntoSnapshots(c);
                    if (folded > 0) {
                        LOG.info("folded the signal rows of {} tenants into snapshots", folded);
                    }
                    replayFrom = 0L;
                }
                Long max = longOrNull(c, "SELECT MAX(seq) FROM signal_batch");
                nextSeq = max == null ? 1 : max + 1;
                int replayed = replay(c, replayFrom);
                if (replayed > 0) {
                    LOG.info("read {} batches of the signal log back (from position {})", replayed, replayFrom);
                }
                return null;
            });
            writtenReplayFrom = -1;
        } finally {
            appendLock.unlock();
        }
    }

    private static Long longOrNull(Connection c, String sql) {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Applies the batches from log position {@code from} on, skipping versions a snapshot already holds. */
    private int replay(Connection c, long from) {
        int batches = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT seq, batch_id, signals_json, response_json, received_at "
                + "FROM signal_batch WHERE seq >= ? ORDER BY seq")) {
            s.setLong(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    batches++;
                    long seq = rs.getLong(1);
                    String batchId = rs.getString(2);
                    Map<String, List<ObjectValue>> byTenant = new LinkedHashMap<>();
                    for (var v : ((ArrayValue) Json.parse(rs.getString(3))).items()) {
                        ObjectValue o = (ObjectValue) v;
                        byTenant.computeIfAbsent(((StringValue) o.get("tenant_id")).value(), k -> new ArrayList<>()).add(o);
                    }
                    OffsetDateTime at = rs.getObject(5, OffsetDateTime.class);
                    ObjectValue receipt = (ObjectValue) Json.parse(rs.getString(4));
                    for (var v : ((ArrayValue) receipt.get("tenants")).items()) {
                        ObjectValue tv = (ObjectValue) v;
                        String tenant = ((StringValue) tv.get("tenant_id")).value();
                        long version = ((NumberValue) tv.get("dossier_version")).longValue();
                        TenantState st = states.get(tenant);
                        if (st == null) {
                            st = readHeads(c, List.of(tenant)).getOrDefault(tenant, new TenantState(0, null, null));
                            states.put(tenant, st);
                        }
                        synchronized (st) {
                            if (version <= st.head) {
                                continue; // in a snapshot already
                            }
                            if (version != st.head + 1) {
                                throw new IllegalStateException("the signal log lacks versions " + (st.head + 1) + " to "
                                        + (version - 1) + " of tenant " + tenant + " (batch " + batchId + "); refusing to "
                                        + "start on a dossier that would be missing signals");
                            }
                            st.append(version, seq, batchId, at, byTenant.getOrDefault(tenant, List.of()));
                        }
                    }
                }
            }
            return batches;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Tenants' stored heads (absent: unknown tenants). */
    private static Map<String, TenantState> readHeads(Connection c, Collection<String> tenantIds) {
        Map<String, TenantState> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT h.tenant_id, h.dossier_version, h.updated_at, d.batch_id "
                + "FROM tenant_head h LEFT JOIN dossier d ON d.tenant_id = h.tenant_id AND d.dossier_version = h.dossier_version "
                + "WHERE h.tenant_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("VARCHAR", tenantIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new TenantState(rs.getLong(2), rs.getObject(3, OffsetDateTime.class),
                            rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static Assembled readSnapshot(Connection c, String tenantId, long version, OffsetDateTime at) {
        try (PreparedStatement s = c.prepareStatement("SELECT dossier_json, dossier_sha256, batch_id FROM dossier "
                + "WHERE tenant_id = ? AND dossier_version = ?")) {
            s.setString(1, tenantId);
            s.setLong(2, version);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("tenant " + tenantId + " has no snapshot of its stored version " + version);
                }
                Dossier d = new Dossier(tenantId, version, rs.getString(1), rs.getString(2), at);
                // written by an earlier version of this class, the text may be plain JSON rather than canonical
                return new Assembled(d, d.value(), rs.getString(3), null);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** The signals of a batch in batch order, as stored (tests and audits; batches of V6 kept them as rows). */
    public List<ObjectValue> batchSignals(Connection c, String batchId) {
        try (PreparedStatement s = c.prepareStatement("SELECT signals_json FROM signal_batch WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet rs = s.executeQuery()) {
                String json = rs.next() ? rs.getString(1) : null;
                if (json != null) {
                    return ((ArrayValue) Json.parse(json)).items().stream().map(v -> (ObjectValue) v).toList();
                }
            }
            return LegacySignals.ofBatch(c, batchId);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Tenants whose newest dossier version has no decision yet: what a restart must evaluate. */
    public List<String> tenantsAwaitingDecision() {
        return tx.executeRead(status -> {
            Connection c = status.getConnection();
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT h.tenant_id FROM tenant_head h "
                    + "WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.tenant_id = h.tenant_id "
                    + "AND d.dossier_version = h.dossier_version) ORDER BY h.updated_at");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    TenantState st = states.get(rs.getString(1));
                    if (st == null || !isDirty(st)) {
                        out.add(rs.getString(1)); // the stored head is the newest version
                    }
                }
            } catch (SQLException e) {
                throw new StoreException(e);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM decision WHERE tenant_id = ? AND dossier_version = ?")) {
                for (Map.Entry<String, TenantState> e : states.entrySet()) {
                    long head;
                    synchronized (e.getValue()) {
                        if (!e.getValue().dirty()) {
                            continue;
                        }
                        head = e.getValue().head;
                    }
                    s.setString(1, e.getKey());
                    s.setLong(2, head);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            out.add(e.getKey());
                        }
                    }
                }
            } catch (SQLException e) {
                throw new StoreException(e);
            }
            return out;
        });
    }

    private static boolean isDirty(TenantState s) {
        synchronized (s) {
            return s.dirty();
        }
    }

    /**
     * A database failure. Its message names only the SQL states, and the driver's exception is not kept:
     * drivers quote the failing statement's parameters — dossiers, which may name a reporter — and whatever
     * logs this exception must not write them.
     */
    public static final class StoreException extends RuntimeException {
        public StoreException(SQLException cause) {
            super(describe(cause), null, false, true);
            setStackTrace(cause.getStackTrace());
        }

        private static String describe(SQLException e) {
            StringBuilder b = new StringBuilder("database error, SQL state");
            // H2 can chain an exception to itself: a bounded walk, each distinct state once
            java.util.Set<String> seen = new java.util.HashSet<>();
            SQLException s = e;
            for (int i = 0; s != null && i < 8; i++, s = s.getNextException()) {
                if (seen.add(s.getSQLState())) {
                    b.append(' ').append(s.getSQLState());
                }
            }
            return b.toString();
        }
    }
}
