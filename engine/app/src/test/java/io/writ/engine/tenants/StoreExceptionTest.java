package io.writ.engine.tenants;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class StoreExceptionTest {
    @Test
    @Timeout(5) // the old walk never ended
    void namesEachSqlStateOnceEvenWhenTheDriverChainsAnExceptionToItself() {
        // what H2 did at a shutdown: getNextException() returned the same exception, and the message grew without end
        SQLException looping = new SQLException("IO Exception", "90028") {
            @Override
            public SQLException getNextException() {
                return this;
            }
        };
        assertThat(new DossierStore.StoreException(looping)).hasMessage("database error, SQL state 90028");
    }

    @Test
    void namesTheStatesOfAChainInOrder() {
        SQLException first = new SQLException("a", "40001");
        first.setNextException(new SQLException("b", "08006"));
        assertThat(new DossierStore.StoreException(first)).hasMessage("database error, SQL state 40001 08006");
    }
}
