package io.writ.engine.tenants;

import io.writ.engine.ingest.SignalParser;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How signals fold into a dossier: tenant fields merge, subscriptions replace by id, other entries append once. */
class DossierMergerTest {

    static List<ObjectValue> signals(String json) {
        return SignalParser.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), false).stream().map(v -> (ObjectValue) v).toList();
    }

    @Test
    void aNewTenantGetsEveryListAndItsId() {
        assertThat(DossierMerger.empty("t").toJsonString()).isEqualTo("{\"attestations\":[],\"classifications\":[],"
                + "\"population\":[],\"reports\":[],\"subscriptions\":[],\"tenant\":{\"id\":\"t\"},\"usage\":[]}");
    }

    @Test
    void tenantFieldsMergeAndLaterSignalsWin() {
        ObjectValue d = DossierMerger.merge(null, "t", signals("""
                [{"type": "tenant", "tenant_id": "t", "name": "A", "segment": "smb"},
                 {"type": "tenant", "tenant_id": "t", "segment": "telecom", "x": 1}]"""));
        assertThat(d.get("tenant").toJsonString()).isEqualTo("{\"id\":\"t\",\"name\":\"A\",\"segment\":\"telecom\",\"x\":1}");
        ObjectValue next = DossierMerger.merge(d, "t", signals("[{\"type\": \"tenant\", \"tenant_id\": \"t\", \"country\": \"XX\"}]"));
        assertThat(next.get("tenant").toJsonString())
                .isEqualTo("{\"country\":\"XX\",\"id\":\"t\",\"name\":\"A\",\"segment\":\"telecom\",\"x\":1}");
    }

    @Test
    void aSubscriptionReplacesTheOneWithItsId() {
        ObjectValue d = DossierMerger.merge(null, "t", signals("""
                [{"type": "subscription", "tenant_id": "t", "id": "a", "state": "active", "region": "r1"},
                 {"type": "subscription", "tenant_id": "t", "id": "b", "state": "active"}]"""));
        ObjectValue next = DossierMerger.merge(d, "t", signals(
                "[{\"type\": \"subscription\", \"tenant_id\": \"t\", \"id\": \"a\", \"state\": \"disabled\"}]"));
        assertThat(next.get("subscriptions").toJsonString())
                .isEqualTo("[{\"id\":\"b\",\"state\":\"active\"},{\"id\":\"a\",\"state\":\"disabled\"}]");
    }

    @Test
    void aSeriesKeepsItsNewestFigureInItsPlace() {
        String c = "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"a\", \"category\": \"x\", \"confidence\": 0.5}";
        String other = "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"b\", \"category\": \"x\", \"confidence\": 0.9}";
        String c2 = "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"a\", \"category\": \"x\", \"confidence\": 0.6}";
        ObjectValue d = DossierMerger.merge(null, "t", signals("[" + c + "," + other + "," + c + "]"));
        assertThat(d.get("classifications").toJsonString()).isEqualTo(
                "[{\"category\":\"x\",\"confidence\":0.5,\"subscription\":\"a\"},{\"category\":\"x\",\"confidence\":0.9,\"subscription\":\"b\"}]");
        ObjectValue revised = DossierMerger.merge(d, "t", signals("[" + c2 + "]"));
        assertThat(revised.get("classifications").toJsonString()).isEqualTo(
                "[{\"category\":\"x\",\"confidence\":0.6,\"subscription\":\"a\"},{\"category\":\"x\",\"confidence\":0.9,\"subscription\":\"b\"}]");
        assertThat(DossierMerger.merge(revised, "t", signals("[" + c2 + "]"))).isEqualTo(revised);
        // another source's label for the same subscription and category is another series
        ObjectValue sourced = DossierMerger.merge(revised, "t", signals("[" + c2.replace("}", ", \"source\": \"s2\"}") + "]"));
        assertThat(((io.writ.rego.value.ArrayValue) sourced.get("classifications")).size()).isEqualTo(3);
    }

    @Test
    void usageIsASeriesPerSubscriptionServiceMetricPeriodAndDimensions() {
        String july = "{\"type\": \"usage\", \"tenant_id\": \"t\", \"subscription\": \"a\", \"service\": \"storage\", "
                + "\"metric\": \"stored_bytes\", \"value\": %d, \"period\": {\"start\": \"2025-07-01T00:00:00Z\", "
                + "\"end\": \"2025-07-31T00:00:00Z\"}%s}";
        ObjectValue d = DossierMerger.merge(null, "t", signals("[" + String.format(july, 10, "") + ","
                + String.format(july, 20, "") + "," + String.format(july, 5, ", \"dimensions\": {\"tier\": \"hot\"}") + ","
                + String.format(july, 7, "").replace("2025-07-01", "2025-06-01").replace("2025-07-31", "2025-06-30") + "]"));
        // the running total of July replaced the first; hot-tier July and June are series of their own
        assertThat(d.get("usage").toJsonString()).contains("\"value\":20").doesNotContain("\"value\":10")
                .contains("\"value\":5").contains("\"value\":7");
        assertThat(((io.writ.rego.value.ArrayValue) d.get("usage")).size()).isEqualTo(3);
    }

    @Test
    void populationEstimatesAndReportsAreSeriesAttestationsAreNot() {
        ObjectValue d = DossierMerger.merge(null, "t", signals("""
                [{"type": "population", "tenant_id": "t", "subscription": "a", "distinct_subjects": 100, "source": "estimate"},
                 {"type": "population", "tenant_id": "t", "subscription": "a", "distinct_subjects": 250, "source": "estimate"},
                 {"type": "population", "tenant_id": "t", "subscription": "a", "distinct_subjects": 90, "source": "census"},
                 {"type": "report", "tenant_id": "t", "id": "r1", "kind": "press", "credibility": "low"},
                 {"type": "report", "tenant_id": "t", "id": "r1", "kind": "press", "credibility": "high"},
                 {"type": "report", "tenant_id": "t", "kind": "press", "credibility": "medium"},
                 {"type": "attestation", "tenant_id": "t", "kind": "lawful-intercept-warrant", "scope_subjects": 40},
                 {"type": "attestation", "tenant_id": "t", "kind": "lawful-intercept-warrant", "scope_subjects": 40},
                 {"type": "attestation", "tenant_id": "t", "kind": "lawful-intercept-warrant", "scope_subjects": 60}]"""));
        assertThat(d.get("population").toJsonString()).contains("250").contains("90").doesNotContain(":100");
        assertThat(((io.writ.rego.value.ArrayValue) d.get("population")).size()).isEqualTo(2);
        assertThat(d.get("reports").toJsonString()).isEqualTo("[{\"credibility\":\"high\",\"id\":\"r1\",\"kind\":\"press\"},"
                + "{\"credibility\":\"medium\",\"kind\":\"press\"}]");
        assertThat(((io.writ.rego.value.ArrayValue) d.get("attestations")).size()).isEqualTo(2);
    }

    @Test
    void whatElseADossierHoldsIsKept() {
        Value current = Json.parse("{\"tenant\": {\"id\": \"t\"}, \"notes\": [1], \"usage\": []}");
        ObjectValue d = DossierMerger.merge((ObjectValue) current, "t", signals("""
                [{"type": "attestation", "tenant_id": "t", "kind": "warrant", "scope_subjects": 40}]"""));
        assertThat(d.get("notes").toJsonString()).isEqualTo("[1]");
        assertThat(d.get("attestations").toJsonString()).isEqualTo("[{\"kind\":\"warrant\",\"scope_subjects\":40}]");
    }
}
