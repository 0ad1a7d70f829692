package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connectors come from configuration; actions go to their subscription's provider, and nowhere when none fits. */
class ConnectorRegistryTest {

    @Test
    void aConfiguredConnectorThatIsNotOnTheClassPathStopsTheStart() {
        assertThatThrownBy(() -> Harness.start(Map.of("writ.connectors.nosuch.endpoint", "https://example.org")))
                .rootCause().hasMessageContaining("no connector named 'nosuch'").hasMessageContaining("fake");
    }

    @Test
    void actionsGoToTheSubscriptionsProviderAndWithoutOneTheyAreUnsupported() {
        try (Harness h = Harness.start(Map.of("writ.enforcement.default-connector", ""))) {
            String id = h.signals("tnt-route", """
                    [{"type": "tenant", "tenant_id": "tnt-route", "segment": "telecom"},
                     {"type": "subscription", "tenant_id": "tnt-route", "id": "r-fake", "provider": "fake"},
                     {"type": "subscription", "tenant_id": "tnt-route", "id": "r-gcp", "provider": "gcp"},
                     {"type": "population", "tenant_id": "tnt-route", "subscription": "r-fake", "distinct_subjects": 2300000}]""");
            JsonNode approved = h.approve(id, """
                    [{"action": "disable-subscription", "subscription": "r-fake"},
                     {"action": "disable-subscription", "subscription": "r-gcp"},
                     {"action": "disable-subscription", "subscription": "r-unknown"},
                     {"action": "lock-resource", "resource": "/subscriptions/r-fake/resourceGroups/rg-1"},
                     {"action": "lock-resource", "resource": "/subscriptions/r-gcp/resourceGroups/rg-1"}]""", "{\"subscriptions\": [\"r-fake\", \"r-gcp\", \"r-unknown\"]}");
            JsonNode actions = approved.at("/enforcement/actions");
            assertThat(actions.at("/0/connector").asText()).isEqualTo("fake");
            assertThat(actions.at("/0/status").asText()).isEqualTo("pending");
            assertThat(actions.at("/1/status").asText()).isEqualTo("unsupported");
            assertThat(actions.at("/1/route_note").asText()).isEqualTo("no connector is configured for provider 'gcp' (writ.connectors.gcp)");
            assertThat(actions.at("/2/route_note").asText()).contains("names no provider for subscription r-unknown");
            // a resource id names its subscription
            assertThat(actions.at("/3/connector").asText()).isEqualTo("fake");
            assertThat(actions.at("/4/route_note").asText()).contains("provider 'gcp'");
            JsonNode plan = h.get("/v1/cases/" + id + "/plan", token("a", "auditor"));
            assertThat(plan.at("/actions/1/preview/error/code").asText()).isEqualTo("Unsupported");
        }
    }
}
