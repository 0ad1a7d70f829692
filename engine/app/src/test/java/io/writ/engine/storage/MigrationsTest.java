package io.writ.engine.storage;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Flyway migrations run, unchanged, on H2 and on a real PostgreSQL when the service starts. */
class MigrationsTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void migrationsRunOnStart(String db) throws Exception {
        String name = "m" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> props = new HashMap<>(db.equals("h2") ? Databases.h2(name) : Databases.postgres(name));
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", "classpath:test-bundle");
        try (ApplicationContext ctx = ApplicationContext.run(props, "test")) {
            // the raw pool: the bean is a proxy that expects a surrounding transaction or connection scope
            DataSource ds = DelegatingDataSource.unwrapDataSource(ctx.getBean(DataSource.class));
            try (var c = ds.getConnection(); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT info_value FROM writ_info WHERE info_name = 'schema'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("writ");
                assertThat(c.getMetaData().getDatabaseProductName()).isEqualToIgnoringCase(db.equals("h2") ? "H2" : "PostgreSQL");
            }
        }
    }
}
