package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Reads the log tables straight through SQL, so that the tests see what is stored, not what the API shows. */
final class AuditFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private AuditFixtures() {
    }

    @SuppressWarnings("unchecked")
    static TransactionOperations<Connection> tx(ApplicationContext ctx) {
        return ctx.getBean(TransactionOperations.class);
    }

    /** Appends entries in one transaction, as a feature recording its change would. */
    static void append(ApplicationContext ctx, String kind, String... bodies) {
        AuditLog log = ctx.getBean(AuditLog.class);
        tx(ctx).executeWrite(s -> {
            for (String b : bodies) {
                log.append(kind, (ObjectValue) Json.parse(b));
            }
            return null;
        });
    }

    /** Every leaf's stored text, in index order. */
    static List<String> leaves(ApplicationContext ctx) {
        return tx(ctx).executeRead(s -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = s.getConnection().prepareStatement("SELECT l.leaf_index, "
                    + "COALESCE(l.entry_json, e.entry_json) FROM audit_leaf l LEFT JOIN audit_entry e ON e.seq = l.queue_seq ORDER BY l.leaf_index");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != out.size()) {
                        throw new AssertionError("leaf indices have a gap at " + out.size());
                    }
                    out.add(rs.getString(2));
                }
            }
            return out;
        });
    }

    static List<byte[]> leafHashes(List<String> leaves) {
        return leaves.stream().map(l -> ReferenceMerkle.leaf(l.getBytes(StandardCharsets.UTF_8))).toList();
    }

    static long count(ApplicationContext ctx, String sql) {
        return tx(ctx).executeRead(s -> {
            try (PreparedStatement ps = s.getConnection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The stored entries of a kind, parsed. */
    static List<JsonNode> entries(ApplicationContext ctx, String kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : leaves(ctx)) {
            JsonNode n = JSON.readTree(l);
            if (n.path("kind").asText().equals(kind)) {
                out.add(n);
            }
        }
        return out;
    }
}
