package io.writ.engine.storage;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Makes this process the one service instance on its database. Tenants' heads and newest dossiers live in the
 * owner's memory ({@code DossierStore}), so a second instance writing the same database would build on versions
 * it cannot see. On PostgreSQL the owner holds a session advisory lock on a connection of its own for as long as
 * it runs (released by the server if the process dies); a second instance fails to start. An H2 file database
 * is opened by one process only, which H2 enforces with its own file lock.
 */
@Singleton
public class DatabaseOwner {
    /** The advisory lock's key: "writ" in ASCII. */
    static final long LOCK_KEY = 0x77726974L;

    private final Connection held;

    public DatabaseOwner(DataSource dataSource) {
        try {
            Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
            if (!c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL")) {
                c.close();
                held = null;
                return;
            }
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                s.setLong(1, LOCK_KEY);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.close();
                        throw new IllegalStateException("another Writ instance is running on this database (it holds "
                                + "PostgreSQL advisory lock " + LOCK_KEY + "); Writ runs one instance per database");
                    }
                }
            }
            held = c;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to claim it: SQL state " + e.getSQLState(), e);
        }
    }

    @PreDestroy
    void release() throws SQLException {
        if (held != null) {
            try (PreparedStatement s = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                s.setLong(1, LOCK_KEY);
                s.execute();
            } finally {
                held.close();
            }
        }
    }
}
