package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.storage.Databases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;

/** Plans, the outbox and the kill switch on H2 and on a real PostgreSQL, across a restart of the service. */
class EnforcementStorageTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPlanRunsAndRevertsAndTheKillSwitchOutlivesARestart(String db) {
        String name = "s" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> database = db.equals("h2") ? Databases.h2(name) : Databases.postgres(name);
        String id;
        try (Harness h = Harness.start(database, Map.of())) {
            id = h.caseFor("tnt-" + db, "telecom", List.of(db + "-a"));
            h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"" + db + "-a\"}, "
                    + "{\"action\": \"isolate-resource\", \"subscription\": \"" + db + "-a\", \"resource\": \"st-1\"}, "
                    + "{\"action\": \"notify\", \"subscription\": \"" + db + "-a\"}]",
                    "{\"subscriptions\": [\"" + db + "-a\"]}");
            h.move(id, "execute", "{\"reason\": \"now\"}", token("bob", "approver"));
            h.awaitStatus(id, "enforced");
            // the target as it was before the first apply is kept for a repeat after a crash (Connector#apply)
            @SuppressWarnings("unchecked")
            TransactionOperations<Connection> tx = h.ctx.getBean(TransactionOperations.class);
            PlanStore plans = h.ctx.getBean(PlanStore.class);
            assertThat(tx.executeRead(s -> plans.before(id, 0)).orElseThrow().get("state").asText()).isEqualTo("Enabled");
            h.move(id, "appeal", "{\"reason\": \"appeal\"}", token("alice", "reviewer"));
            h.move(id, "reinstate", "{\"reason\": \"granted\"}", token("bob", "approver"));
            JsonNode done = h.awaitStatus(id, "reinstated");
            assertThat(done.at("/enforcement/phase").asText()).isEqualTo("reinstated");
            assertThat(done.at("/enforcement/actions/1/reverted/already_reverted").asBoolean()).isFalse();
            assertThat(done.at("/enforcement/actions/2/status").asText()).isEqualTo("restored");
            h.put("/v1/admin/enforcement", "{\"paused\": true, \"reason\": \"maintenance\"}", token("root", "admin"));
        }
        try (Harness h = Harness.start(database, Map.of())) {
            JsonNode control = h.get("/v1/admin/enforcement", token("a", "auditor"));
            assertThat(control.get("paused").asBoolean()).isTrue();
            assertThat(control.get("reason").asText()).isEqualTo("maintenance");
            assertThat(h.get("/v1/cases/" + id + "/plan", token("a", "auditor")).get("phase").asText()).isEqualTo("reinstated");
        }
    }
}
