package io.writ.engine.audit;

import io.writ.engine.tenants.Dossier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads the log for auditors: entries, proofs against any checkpointed size, the filtered audit view and the
 * streaming export. Every read is its own read-only transaction; nothing here writes.
 */
@Singleton
public class AuditReader {
    static final int EXPORT_PAGE = 1_000;

    private final AuditStore store;
    private final TransactionOperations<Connection> tx;

    AuditReader(AuditStore store, TransactionOperations<Connection> tx) {
        this.store = store;
        this.tx = tx;
    }

    /** The newest signed checkpoint: its size, root and note. */
    public SignedCheckpoint latest() {
        return tx.executeRead(s -> store.latestCheckpoint().orElseThrow(
                () -> new IllegalStateException("the audit log has no checkpoint yet")));
    }

    /** The size of the newest checkpoint: what proofs and entries may be asked for. */
    public long size() {
        return latest().size();
    }

    /** One sequenced entry. */
    public Optional<LogEntry> entry(long index) {
        return tx.executeRead(s -> store.leaf(index));
    }

    /** RFC 9162 inclusion proof of leaf {@code index} in the tree of {@code size} leaves (size ≤ {@link #size()}). */
    public List<byte[]> inclusionProof(long index, long size) {
        return tx.executeRead(s -> Merkle.inclusionProof(store.nodes(s.getConnection()), index, size));
    }

    /** RFC 9162 consistency proof between two tree sizes, both at most {@link #size()}. */
    public List<byte[]> consistencyProof(long from, long to) {
        return tx.executeRead(s -> Merkle.consistencyProof(store.nodes(s.getConnection()), from, to));
    }

    /** The root of the tree of {@code size} leaves, from stored subtree hashes. */
    public byte[] root(long size) {
        return tx.executeRead(s -> Merkle.root(store.nodes(s.getConnection()), size));
    }

    /** A decision's input as {@code GET /v1/log/entries/{index}/input} gives it. */
    public record DecisionInput(long index, String decision, JsonNode input, long wholeAt, int patches) {
        /** {@code {"index", "decision", "input", "input_sha256", "whole_at", "patches"}}. */
        public String json() {
            ObjectNode out = LogVerifier.JSON.createObjectNode().put("index", index).put("decision", decision);
            out.set("input", input);
            return out.put("input_sha256", Dossier.sha256(Jcs.canonicalize(input))).put("whole_at", wholeAt)
                    .put("patches", patches).toString();
        }
    }

    /** An entry that is not a decision ({@code broken} false), or a log whose patches do not rebuild its input. */
    public static final class NoInput extends RuntimeException {
        private final boolean broken;

        NoInput(boolean broken, String message) {
            super(message, null, false, false);
            this.broken = broken;
        }

        public boolean broken() {
            return broken;
        }
    }

    /**
     * The input of the decision entry at {@code index}: as it is, or rebuilt from the tenant's last whole input
     * before it through each patch since, every step checked as {@code writ log verify} checks it. Empty when the
     * log has no such entry.
     *
     * @throws NoInput when the entry is not a decision, or the chain does not rebuild
     */
    public Optional<DecisionInput> decisionInput(long index) {
        return tx.executeRead(s -> store.leaf(index).map(target -> {
            JsonNode entry = read(target);
            if (!target.kind().equals(Entries.DECISION) || !(entry.has("input") || entry.has("input_patch"))) {
                throw new NoInput(false, "entry " + index + " is a " + target.kind() + " entry, not a decision with an input");
            }
            // back to the tenant's last whole input, a page of its decisions at a time, each entry read once
            List<Read> chain = new ArrayList<>(List.of(new Read(target, entry)));
            while (!chain.getLast().entry().has("input")) {
                List<LogEntry> page = store.decisionsBefore(target.tenant(), chain.getLast().stored().index(), 64);
                if (page.isEmpty()) {
                    throw new NoInput(true, "entry " + index + ": the tenant's decisions before it hold no whole input to "
                            + "rebuild it from");
                }
                for (LogEntry e : page) {
                    chain.add(new Read(e, read(e)));
                    if (chain.getLast().entry().has("input")) {
                        break;
                    }
                }
            }
            String decision = null;
            JsonNode input = null;
            for (Read r : chain.reversed()) {
                try {
                    input = InputPatch.input(r.entry(), decision, input);
                } catch (IllegalArgumentException x) {
                    throw new NoInput(true, "entry " + r.stored().index() + " (decision "
                            + r.entry().path("decision").asText() + "): " + x.getMessage());
                }
                decision = r.entry().path("decision").asText();
            }
            return new DecisionInput(index, decision, input, chain.getLast().stored().index(), chain.size() - 1);
        }));
    }

    /** A stored entry and its parsed JSON. */
    private record Read(LogEntry stored, JsonNode entry) {
    }

    private static JsonNode read(LogEntry e) {
        try {
            return LogVerifier.JSON.readTree(e.json());
        } catch (IOException x) {
            throw new UncheckedIOException("entry " + e.index() + " is not JSON", x);
        }
    }

    /** A page of the audit view, among the leaves below {@code below}. */
    public List<LogEntry> query(AuditQuery q, long below, int limit) {
        return tx.executeRead(s -> store.query(q, below, limit));
    }

    /**
     * Entries [from, to) as JSON lines, {@code {"index": i, "entry": {...}}} with the entry's canonical text as
     * it was hashed, read a page at a time as the stream is consumed: an export of any size holds one page in memory.
     */
    public InputStream export(long from, long to) {
        return new InputStream() {
            private long next = from;
            private byte[] buffer = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                while (pos == buffer.length) {
                    if (next >= to) {
                        return -1;
                    }
                    List<LogEntry> page = tx.executeRead(s -> store.range(next, to, EXPORT_PAGE));
                    if (page.isEmpty()) {
                        next = to;
                        return -1;
                    }
                    StringBuilder sb = new StringBuilder();
                    for (LogEntry l : page) {
                        sb.append(exportLine(l)).append('\n');
                    }
                    next = page.getLast().index() + 1;
                    buffer = sb.toString().getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                }
                int n = Math.min(len, buffer.length - pos);
                System.arraycopy(buffer, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** One export line; the entry text is embedded as stored, so that its bytes are the leaf's. */
    static String exportLine(LogEntry l) {
        return "{\"index\":" + l.index() + ",\"entry\":" + l.json() + "}";
    }

    /** The JSON of {@code GET /v1/log/entries/{index}}. */
    static String entryJson(LogEntry l) {
        byte[] leaf = l.json().getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getEncoder();
        return "{\"index\":" + l.index() + ",\"entry\":" + l.json() + ",\"leaf\":\"" + b64.encodeToString(leaf)
                + "\",\"leaf_hash\":\"" + b64.encodeToString(Merkle.leafHash(leaf)) + "\"}";
    }
}
