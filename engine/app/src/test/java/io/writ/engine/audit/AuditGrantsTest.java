package io.writ.engine.audit;

import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The grants docs/audit-log.md gives for production, run as written on a real PostgreSQL: the service's user can
 * append and read, and cannot change or remove a leaf, a node or a checkpoint.
 */
class AuditGrantsTest {

    /** The SQL block of the grants section, statement by statement. */
    static List<String> documentedGrants() throws Exception {
        String doc = Files.readString(Path.of("../../docs/audit-log.md"));
        String section = doc.substring(doc.indexOf("## Production database grants"));
        String sql = section.substring(section.indexOf("```sql") + 6, section.indexOf("```", section.indexOf("```sql") + 6));
        List<String> out = new ArrayList<>();
        for (String s : sql.replaceAll("--[^\n]*", "").split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    @Test
    void theDocumentedGrantsAllowAppendingAndReadingOnly() throws Exception {
        List<String> grants = documentedGrants();
        assertThat(grants).anyMatch(g -> g.startsWith("GRANT SELECT, INSERT ON audit_leaf"));
        try (ApplicationContext ctx = AuditLogTest.start(AuditLogTest.database("postgres", "g" + UUID.randomUUID().toString().replace("-", "")))) {
            asTheServiceUser(ctx, grants);
        }
    }

    private static void asTheServiceUser(ApplicationContext ctx, List<String> grants) throws Exception {
        AuditFixtures.append(ctx, "test.grants", "{\"n\": 1}");
        ctx.getBean(AuditLog.class).sync();
        DataSource ds = DelegatingDataSource.unwrapDataSource(ctx.getBean(DataSource.class));
        String url;
        try (Connection admin = ds.getConnection(); Statement s = admin.createStatement()) {
            // without the URL's own ?user=postgres, which would win over the user given below
            url = admin.getMetaData().getURL().replaceFirst("\\?.*$", "");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'writ') THEN CREATE ROLE writ LOGIN; END IF; "
                    + "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flyway') THEN CREATE ROLE flyway; END IF; END $$");
            for (String g : grants) {
                s.execute(g);
            }
        }
        try (Connection writ = DriverManager.getConnection(url, "writ", ""); Statement s = writ.createStatement()) {
            assertThat(writ.getMetaData().getUserName()).isEqualTo("writ");
            s.executeUpdate("INSERT INTO audit_entry (entry_kind, logged_at, entry_json) VALUES ('test.grants', now(), '{}')");
            s.executeUpdate("INSERT INTO audit_pending (entry_seq) SELECT MAX(seq) FROM audit_entry");
            assertThat(s.executeQuery("SELECT COUNT(*) FROM audit_leaf").next()).isTrue();
            s.executeUpdate("DELETE FROM audit_pending WHERE entry_seq = (SELECT MAX(seq) FROM audit_entry)");
            for (String forbidden : List.of("UPDATE audit_leaf SET entry_json = '{}'", "DELETE FROM audit_leaf",
                    "UPDATE audit_entry SET entry_json = '{}'", "DELETE FROM audit_entry", "TRUNCATE audit_entry",
                    "UPDATE audit_node SET node_hash = node_hash", "DELETE FROM audit_node", "DELETE FROM audit_checkpoint",
                    "UPDATE audit_checkpoint SET note = ''", "TRUNCATE audit_leaf")) {
                assertThatThrownBy(() -> s.executeUpdate(forbidden)).as(forbidden).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
        }
    }
}
