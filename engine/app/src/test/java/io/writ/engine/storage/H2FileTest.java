package io.writ.engine.storage;

import io.writ.engine.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default's H2 file: settings changed between releases still open the files written before. */
class H2FileTest {
    @TempDir
    Path dir;

    @Test
    void aFileWrittenWithoutPageCompressionOpensWithTheShippedSettingsAndKeepsEverything() throws SQLException {
        String shipped = ServeCommand.h2FileUrl(dir);
        String before = shipped.replace(";COMPRESS=TRUE", "");
        assertThat(before).as("the shipped URL compresses pages").isNotEqualTo(shipped);
        try (Connection c = DriverManager.getConnection(before, "sa", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100000))");
            }
            insert(c, 0, 100);
        }
        try (Connection c = DriverManager.getConnection(shipped, "sa", "")) {
            assertThat(rows(c)).isEqualTo(100);
            insert(c, 100, 200);
        }
        try (Connection c = DriverManager.getConnection(shipped, "sa", "")) {
            assertThat(rows(c)).as("rows written both ways, each as written").isEqualTo(200);
        }
    }

    /** A dossier-like text: long and repetitive, as the audit entries are. */
    private static String value(int i) {
        return ("{\"subscription\":\"sub-" + i + "\",\"service\":\"storage\",\"metric\":\"stored_bytes\"}").repeat(200);
    }

    private static void insert(Connection c, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = from; i < to; i++) {
                ps.setInt(1, i);
                ps.setString(2, value(i));
                ps.executeUpdate();
            }
        }
    }

    /** Rows whose value reads back as written. */
    private static int rows(Connection c) throws SQLException {
        int ok = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v FROM t ORDER BY id")) {
            while (rs.next()) {
                if (rs.getString(2).equals(value(rs.getInt(1)))) {
                    ok++;
                }
            }
        }
        return ok;
    }
}
