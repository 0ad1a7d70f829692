package io.writ.engine.tenants;

import io.writ.engine.audit.AuditLog;
import io.writ.rego.value.ObjectValue;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service holds in memory about one tenant (see {@link DossierStore}). Every field is guarded by the
 * object's monitor. The dossier at {@link #head} is the fold of {@link #pending} on top of {@link #assembled}, or,
 * when nothing is assembled, on top of the snapshot stored at {@link #stored} (none when {@code stored} is 0).
 */
final class TenantState {
    /** The newest accepted version, when it was accepted, and the batch that made it. */
    long head;
    OffsetDateTime headAt;
    String headBatchId;
    /** The newest version whose snapshot and head row are in the database (0: none). */
    long stored;
    /** While {@link #dirty()}: a log position at or before the batch that made version {@code stored + 1}. */
    long replayFrom;
    /** While {@link #dirty()}: since when ({@link System#nanoTime()}). */
    long dirtySince;
    /** The newest assembled version, or null. */
    DossierStore.Assembled assembled;
    /** The signals accepted after the assembled version (after {@code stored} when nothing is assembled), in order. */
    final List<ObjectValue> pending = new ArrayList<>();
    /** The newest version this process knows to be decided (-1: not known; the database says). */
    long decided = -1;
    /**
     * The masked input of the newest decision entry this process logged for the tenant, which the next decision
     * entry may be a patch against; null after a restart, an eviction or a failed write (the next entry is whole).
     */
    AuditLog.InputBase loggedInput;
    /** When the dossier was last read or written ({@link System#nanoTime()}): the least recently used leave first. */
    long lastUsed;

    /** A tenant known from the database: its head is its stored snapshot. */
    TenantState(long stored, OffsetDateTime at, String batchId) {
        this.head = stored;
        this.stored = stored;
        this.headAt = at;
        this.headBatchId = batchId;
        this.lastUsed = System.nanoTime();
    }

    /** Whether accepted versions are not in the database's snapshots yet (a restart reads them from the log). */
    boolean dirty() {
        return head > stored;
    }

    /** Accepts the next version, made by the batch at log position {@code seq}. */
    void append(long version, long seq, String batchId, OffsetDateTime at, List<ObjectValue> signals) {
        if (version != head + 1) {
            throw new IllegalStateException("version " + version + " does not follow version " + head);
        }
        long now = System.nanoTime();
        if (!dirty()) {
            replayFrom = seq;
            dirtySince = now;
        }
        head = version;
        headAt = at;
        headBatchId = batchId;
        pending.addAll(signals);
        lastUsed = now;
    }
}
