package io.writ.engine.ingest;

import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.storage.TimeOrderedIds;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.storage.GroupCommit;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.engine.web.Problem;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accepts a validated batch: it appends the batch to the signal log (one row: its signals and its receipt) and makes
 * the new dossier version of every tenant the batch touches (see {@link DossierStore}), so that either all of it is
 * stored or none; only after the commit does it schedule the evaluations. An {@code Idempotency-Key} that the same
 * caller used before returns the first answer when the body is the same, and is refused when it is not; other
 * callers' keys are theirs.
 */
@Singleton
public class IngestService {
    private final TransactionOperations<Connection> tx;
    private final DossierStore dossiers;
    private final EvaluationScheduler scheduler;
    /**
     * Batches are written by one thread at a time (the signal log has one writer), and batches that arrive while a
     * write is under way are written together in the next transaction.
     */
    private final GroupCommit<Request, Outcome> writer;

    public IngestService(TransactionOperations<Connection> tx, DossierStore dossiers, EvaluationScheduler scheduler,
                         @io.micronaut.context.annotation.Value("${writ.ingest.max-group-signals:10000}") int maxGroupSignals) {
        this.tx = tx;
        this.dossiers = dossiers;
        this.scheduler = scheduler;
        this.writer = new GroupCommit<>(this::store, r -> r.signals().size(), maxGroupSignals);
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
     * Stores the batch (signals already validated) and returns the receipt. Returns once the batch is committed,
     * alone or with others that were waiting at the same time.
     *
     * @param bodySha256     hash of the request body, to tell a replay from a reuse of the key
     * @param caller         who sent it (the token's subject): idempotency keys are scoped to the caller
     * @param idempotencyKey the caller's key, or null
     */
    public Outcome accept(List<Value> signals, String bodySha256, String caller, String idempotencyKey) {
        return accept(signals, SignalValidator.texts(signals), bodySha256, caller, idempotencyKey);
    }

    /** As {@link #accept(List, String, String, String)}, with the signals' compact JSON ({@link SignalValidator#texts}). */
    public Outcome accept(List<Value> signals, List<String> texts, String bodySha256, String caller, String idempotencyKey) {
        // TreeMap: the receipt lists the tenants in a fixed order
        Map<String, List<ObjectValue>> byTenant = new TreeMap<>();
        for (Value v : signals) {
            ObjectValue o = (ObjectValue) v;
            byTenant.computeIfAbsent(((StringValue) o.get("tenant_id")).value(), k -> new ArrayList<>()).add(o);
        }
        Outcome outcome = writer.submit(new Request(signals, texts, byTenant, bodySha256,
                idempotencyKey == null ? null : new Key(caller, idempotencyKey)));
        if (!outcome.replayed()) {
            byTenant.keySet().forEach(scheduler::schedule);
        }
        return outcome;
    }

    /** The group commit the batches go through (tests hold its lock to make a group). */
    GroupCommit<?, ?> writer() {
        return writer;
    }

    /** A validated batch to store. */
    private record Request(List<Value> signals, List<String> texts, Map<String, List<ObjectValue>> byTenant,
                           String bodySha256, Key key) {
    }

    /** An idempotency key as its caller sent it, and the caller-scoped form the unique column holds. */
    private record Key(String caller, String key) {
        String scoped() {
            return Dossier.sha256(caller + '\0' + key);
        }
    }

    private List<Object> store(List<Request> group) {
        return dossiers.append(log -> tx.executeWrite(status -> store(status.getConnection(), group, log)));
    }

    /**
     * Stores the group's new batches and returns each batch's answer, in order: an {@link Outcome}, or the
     * {@link Problem} of a key reused with another body. Versions chain through the group: two batches for one
     * tenant make two consecutive versions, as they would one after the other.
     */
    private List<Object> store(Connection c, List<Request> group, DossierStore.Appender log) {
        Set<String> tenants = new TreeSet<>();
        group.forEach(r -> tenants.addAll(r.byTenant().keySet()));
        Map<String, Long> next = new HashMap<>(log.heads(c, tenants));
        Map<String, Earlier> keysHere = new HashMap<>();
        List<Object> answers = new ArrayList<>(group.size());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Request r : group) {
            if (r.key() != null) {
                Earlier earlier = keysHere.get(r.key().scoped());
                Optional<Object> answer = earlier != null ? Optional.of(earlier.answer(r.bodySha256()))
                        : replay(c, r.key(), r.bodySha256());
                if (answer.isPresent()) {
                    answers.add(answer.get());
                    continue;
                }
            }
            String batchId = TimeOrderedIds.next();
            long seq = log.nextSeq();
            List<BatchReceipt.TenantVersion> versions = new ArrayList<>(r.byTenant().size());
            r.byTenant().forEach((tenant, signals) -> {
                long version = next.merge(tenant, 1L, Long::sum);
                log.append(tenant, version, seq, batchId, now, signals);
                versions.add(new BatchReceipt.TenantVersion(tenant, version));
            });
            String response = new BatchReceipt(batchId, r.signals().size(), versions).toJson();
            insertBatch(c, batchId, seq, r, response, now);
            if (r.key() != null) {
                keysHere.put(r.key().scoped(), new Earlier(r.bodySha256(), response));
            }
            answers.add(new Outcome(response, false));
        }
        return answers;
    }

    /** What an earlier batch with the same key answered, and the body it had. */
    private record Earlier(String bodySha256, String response) {
        Object answer(String body) {
            return body.equals(bodySha256) ? new Outcome(response, true) : keyReused();
        }
    }

    private static Problem keyReused() {
        return new Problem(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                "this Idempotency-Key was used before with a different body; use a new key for a new batch");
    }

    private static Optional<Object> replay(Connection c, Key key, String bodySha256) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT body_sha256, response_json FROM signal_batch WHERE idempotency_key = ?")) {
            s.setString(1, key.scoped());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Earlier(rs.getString(1), rs.getString(2)).answer(bodySha256));
            }
        } catch (SQLException e) {
            throw new DossierStore.StoreException(e);
        }
    }

    private static void insertBatch(Connection c, String batchId, long seq, Request r, String response,
                                    OffsetDateTime now) {
        Key key = r.key();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO signal_batch (batch_id, seq, idempotency_key, caller, "
                + "client_key, body_sha256, signal_count, signals_json, response_json, received_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, batchId);
            s.setLong(2, seq);
            s.setString(3, key == null ? null : key.scoped());
            s.setString(4, key == null ? null : key.caller());
            s.setString(5, key == null ? null : key.key());
            s.setString(6, r.bodySha256());
            s.setInt(7, r.signals().size());
            StringJoiner signals = new StringJoiner(",", "[", "]"); // sized once
            r.texts().forEach(signals::add);
            s.setString(8, signals.toString());
            s.setString(9, response);
            s.setObject(10, now);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new DossierStore.StoreException(e);
        }
    }

    /** The stored signals of a batch, as accepted (for tests and audits). */
    public List<ObjectValue> batchSignals(String batchId) {
        return tx.executeRead(status -> dossiers.batchSignals(status.getConnection(), batchId));
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
