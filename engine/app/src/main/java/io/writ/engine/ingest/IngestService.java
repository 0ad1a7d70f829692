package io.writ.engine.ingest;

import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts a validated batch: in one transaction it stores the batch and a new dossier version for every
 * tenant the batch touches, so that either all of it is stored or none; only after the commit does it
 * schedule the evaluations. An {@code Idempotency-Key} that was seen before returns the first answer when
 * the body is the same, and is refused when it is not.
 */
@Singleton
public class IngestService {
    private static final int ATTEMPTS = 3;

    private final TransactionOperations<Connection> tx;
    private final DossierStore dossiers;
    private final EvaluationScheduler scheduler;
    /**
     * Batches are written one at a time in this process (the tenants' head-row locks do the same across
     * processes). Per-tenant lock stripes were tried: a batch of 100 signals touches most stripes, and
     * batches waiting on each other's partial stripe sets were four times slower than one lock.
     */
    private final ReentrantLock writeLock = new ReentrantLock();

    public IngestService(TransactionOperations<Connection> tx, DossierStore dossiers, EvaluationScheduler scheduler) {
        this.tx = tx;
        this.dossiers = dossiers;
        this.scheduler = scheduler;
    }

    /**
     * H2 writes commits to its file up to a second later by default (WRITE_DELAY), so a crash right after a
     * 202 would lose an acknowledged batch. With delay 0 every commit reaches the file before it returns. The
     * setting belongs to the open database, which the connection pool keeps open while the service runs.
     */
    @PostConstruct
    void durableCommitsOnH2() {
        tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try {
                if (c.getMetaData().getDatabaseProductName().equalsIgnoreCase("H2")) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET WRITE_DELAY 0");
                    }
                }
            } catch (SQLException e) {
                throw new DossierStore.StoreException(e);
            }
            return null;
        });
    }

    /** The answer to a batch: the receipt's JSON, and whether it is a replay of an earlier batch. */
    public record Outcome(String responseJson, boolean replayed) {
    }

    /**
     * Stores the batch (signals already validated) and returns the receipt.
     *
     * @param bodySha256     hash of the request body, to tell a replay from a reuse of the key
     * @param idempotencyKey the caller's key, or null
     */
    public Outcome accept(List<Value> signals, String bodySha256, String idempotencyKey) {
        // TreeMap: tenants in a fixed order, so that two processes never wait on each other's row locks in a cycle
        Map<String, List<ObjectValue>> byTenant = new TreeMap<>();
        for (Value s : signals) {
            ObjectValue o = (ObjectValue) s;
            byTenant.computeIfAbsent(((StringValue) o.get("tenant_id")).value(), k -> new ArrayList<>()).add(o);
        }
        Outcome outcome;
        writeLock.lock();
        try {
            outcome = storeWithRetry(signals, byTenant, bodySha256, idempotencyKey);
        } finally {
            writeLock.unlock();
        }
        if (!outcome.replayed()) {
            byTenant.keySet().forEach(scheduler::schedule);
        }
        return outcome;
    }

    private Outcome storeWithRetry(List<Value> signals, Map<String, List<ObjectValue>> byTenant, String bodySha256,
                                   String key) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.executeWrite(status -> store(status.getConnection(), signals, byTenant, bodySha256, key));
            } catch (DossierStore.StoreException e) {
                // another process's batch with the same key or the same new tenant got there first (or the
                // database broke a lock cycle between processes): the next attempt sees what it committed
                if (!e.isRetryable() || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Outcome store(Connection c, List<Value> signals, Map<String, List<ObjectValue>> byTenant,
                          String bodySha256, String key) {
        if (key != null) {
            Optional<Outcome> earlier = replay(c, key, bodySha256);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        String batchId = UUID.randomUUID().toString();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Dossier> next = new ArrayList<>();
        List<BatchReceipt.TenantVersion> versions = new ArrayList<>();
        Map<String, Dossier> heads = dossiers.latestForUpdate(c, byTenant.keySet());
        for (Map.Entry<String, List<ObjectValue>> e : byTenant.entrySet()) {
            Optional<Dossier> current = Optional.ofNullable(heads.get(e.getKey()));
            ObjectValue merged = DossierMerger.merge(current.map(Dossier::value).orElse(null), e.getKey(), e.getValue());
            long version = current.map(Dossier::version).orElse(0L) + 1;
            String json = merged.toJsonString();
            next.add(new Dossier(e.getKey(), version, json, Dossier.sha256(json), now));
            versions.add(new BatchReceipt.TenantVersion(e.getKey(), version));
        }
        BatchReceipt receipt = new BatchReceipt(batchId, signals.size(), versions);
        String response = receipt.toJson();
        insertBatch(c, batchId, key, bodySha256, signals, response, now);
        dossiers.insertAll(c, next, batchId);
        return new Outcome(response, false);
    }

    private static Optional<Outcome> replay(Connection c, String key, String bodySha256) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT body_sha256, response_json FROM signal_batch WHERE idempotency_key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getString(1).equals(bodySha256)) {
                    throw new Problem(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                            "this Idempotency-Key was used before with a different body; use a new key for a new batch");
                }
                return Optional.of(new Outcome(rs.getString(2), true));
            }
        } catch (SQLException e) {
            throw new DossierStore.StoreException(e);
        }
    }

    private static void insertBatch(Connection c, String batchId, String key, String bodySha256, List<Value> signals,
                                    String response, OffsetDateTime now) {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO signal_batch (batch_id, idempotency_key, body_sha256, "
                + "signal_count, signals_json, response_json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, batchId);
            s.setString(2, key);
            s.setString(3, bodySha256);
            s.setInt(4, signals.size());
            s.setString(5, ArrayValue.of(signals).toJsonString());
            s.setString(6, response);
            s.setObject(7, now);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new DossierStore.StoreException(e);
        }
    }

    /** The stored signals of a batch, as accepted (for tests and audits). */
    public Optional<List<Value>> batchSignals(String batchId) {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement(
                    "SELECT signals_json FROM signal_batch WHERE batch_id = ?")) {
                s.setString(1, batchId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(((ArrayValue) Json.parse(rs.getString(1))).items()) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new DossierStore.StoreException(e);
            }
        });
    }

    /** How many batches are stored (for tests: nothing is stored from a rejected batch). */
    public long batchCount() {
        return tx.executeRead(status -> {
            try (PreparedStatement s = status.getConnection().prepareStatement("SELECT COUNT(*) FROM signal_batch");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new DossierStore.StoreException(e);
            }
        });
    }
}
