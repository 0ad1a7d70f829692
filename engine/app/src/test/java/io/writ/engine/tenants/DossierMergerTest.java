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
        return SignalParser.parse(json, false).stream().map(v -> (ObjectValue) v).toList();
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
    void entriesAppendAndExactDuplicatesAreDropped() {
        String c = "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"a\", \"category\": \"x\", \"confidence\": 0.5}";
        String c2 = "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"a\", \"category\": \"x\", \"confidence\": 0.6}";
        ObjectValue d = DossierMerger.merge(null, "t", signals("[" + c + "," + c + "," + c2 + "]"));
        assertThat(d.get("classifications").toJsonString()).isEqualTo(
                "[{\"category\":\"x\",\"confidence\":0.5,\"subscription\":\"a\"},{\"category\":\"x\",\"confidence\":0.6,\"subscription\":\"a\"}]");
        ObjectValue again = DossierMerger.merge(d, "t", signals("[" + c2 + "]"));
        assertThat(again).isEqualTo(d);
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
