package io.writ.engine.audit;

import io.writ.engine.tenants.Dossier;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.writ.engine.ApiTests;
import io.writ.engine.evaluation.DecisionStore;
import io.writ.engine.evaluation.DossierEvaluator;
import io.writ.engine.evaluation.EvaluationScheduler;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static io.writ.engine.ApiTests.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log through the API: what signals, decisions, case moves and bundle activations leave in it, proofs checked
 * by the tests' own verifier against the signed checkpoint, the audit view, the export, errors and roles.
 */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "writ.test.recording-sink", value = "true")
@Property(name = "writ.evaluation.retry-attempts", value = "1")
@Property(name = "writ.evaluation.retry-backoff", value = "50ms")
class AuditApiTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    ApplicationContext ctx;
    @Inject
    AuditLog log;
    @Inject
    EvaluationScheduler scheduler;

    static String token(String... roles) {
        return ApiTests.token("tester-" + String.join("-", roles), roles);
    }

    HttpResponse<String> get(String uri, String token) {
        MutableHttpRequest<?> req = HttpRequest.GET(uri);
        if (token != null) {
            req.bearerAuth(token);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    JsonNode json(String uri) throws Exception {
        return JSON.readTree(get(uri, token("auditor")).body());
    }

    /** Posts signals that make the test policy open a case, with a report whose reporter must never reach the log. */
    String tenantWithCase() throws Exception {
        return tenantWithCase("t-" + UUID.randomUUID());
    }

    String tenantWithCase(String t) throws Exception {
        client.toBlocking().exchange(HttpRequest.POST("/v1/signals", """
                [{"type": "tenant", "tenant_id": "%1$s", "name": "Acme", "segment": "telecom", "country": "XX"},
                 {"type": "population", "tenant_id": "%1$s", "subscription": "s1", "distinct_subjects": 160000},
                 {"type": "report", "tenant_id": "%1$s", "id": "rep-1", "kind": "press", "allegation": "spam",
                  "credibility": "high", "received": "2025-08-06T00:00:00Z",
                  "reporter": {"name": "Jane Roe", "contact": "jane@example.org"}}]""".formatted(t))
                .contentType("application/json").bearerAuth(token("pipeline")), String.class);
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        log.sync();
        return t;
    }

    List<JsonNode> view(String query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        json("/v1/log/entries?" + query).path("entries").forEach(out::add);
        return out;
    }

    Checkpoint checkpoint() {
        return Checkpoint.open(get("/v1/log/checkpoint", token("auditor")).body(),
                VerifierKey.parse(get("/v1/log/public-key", token("auditor")).body()));
    }

    @Test
    void aDecisionAndTheCaseItOpensAreEntriesWithoutTheReporter() throws Exception {
        String t = tenantWithCase();
        List<JsonNode> entries = view("tenant=" + t);
        assertThat(entries).extracting(e -> e.at("/entry/kind").asText()).containsExactly("decision", "case.open");
        JsonNode decision = entries.getFirst().get("entry");
        assertThat(decision.at("/input/reports/0/id").asText()).isEqualTo("rep-1");
        assertThat(decision.at("/input/reports/0/reporter").isMissingNode()).isTrue();
        assertThat(decision.path("masked").toString()).contains("/input/reports/0/reporter");
        assertThat(decision.at("/result/verdict").asText()).isEqualTo("review");
        assertThat(decision.path("bundle_revision").asText()).isEqualTo("test-1");
        JsonNode opened = entries.get(1).get("entry");
        assertThat(opened.path("decision").asText()).isEqualTo(decision.path("decision").asText());
        assertThat(opened.path("to").asText()).isEqualTo("open");
        assertThat(entries.toString()).doesNotContain("Jane Roe", "jane@example.org");
        // the case's own view still names the reporter's report: the reporter stays in the case record only
        assertThat(view("case=" + opened.path("case").asText())).hasSize(1);
    }

    @Test
    void aTenantsNextDecisionHoldsItsInputAsAPatchAgainstThePreviousOne() throws Exception {
        // a tenant whose first chain is not cut to nothing (it is shortened by its id's hash modulo 64)
        String id = "t-" + UUID.randomUUID();
        while (Math.floorMod(id.hashCode(), 64) == 63) {
            id = "t-" + UUID.randomUUID();
        }
        String t = tenantWithCase(id);
        client.toBlocking().exchange(HttpRequest.POST("/v1/signals", """
                [{"type": "population", "tenant_id": "%s", "subscription": "s1", "distinct_subjects": 170000}]""".formatted(t))
                .contentType("application/json").bearerAuth(token("pipeline")), String.class);
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        log.sync();
        List<JsonNode> decisions = view("tenant=" + t + "&kind=decision");
        assertThat(decisions).hasSize(2);
        JsonNode first = decisions.get(0).get("entry");
        JsonNode second = decisions.get(1).get("entry");
        assertThat(first.has("input")).isTrue();
        assertThat(second.has("input")).isFalse();
        assertThat(second.path("input_base").asText()).isEqualTo(first.path("decision").asText());
        // the patch holds the new figure only, and masking saw the whole input: the reporter is erased, not patched in
        assertThat(second.path("input_patch").toString()).contains("170000").doesNotContain("rep-1", "Jane Roe", "jane@");
        assertThat(second.path("masked").toString()).contains("/input/reports/0/reporter");
        JsonNode rebuilt = InputPatch.apply(first.get("input"), second.get("input_patch"));
        assertThat(rebuilt.at("/population/0/distinct_subjects").asLong()).isEqualTo(170000);
        assertThat(rebuilt.at("/reports/0/id").asText()).isEqualTo("rep-1");
        assertThat(Dossier.sha256(Jcs.canonicalize(rebuilt))).isEqualTo(second.path("input_sha256").asText());

        // the service rebuilds it too, for one entry
        long firstAt = decisions.get(0).path("index").asLong();
        long secondAt = decisions.get(1).path("index").asLong();
        JsonNode served = json("/v1/log/entries/" + secondAt + "/input");
        assertThat(served.path("input")).isEqualTo(rebuilt);
        assertThat(served.path("decision").asText()).isEqualTo(second.path("decision").asText());
        assertThat(served.path("input_sha256").asText()).isEqualTo(second.path("input_sha256").asText());
        assertThat(served.path("whole_at").asLong()).isEqualTo(firstAt);
        assertThat(served.path("patches").asInt()).isEqualTo(1);
        JsonNode whole = json("/v1/log/entries/" + firstAt + "/input");
        assertThat(whole.path("input")).isEqualTo(first.get("input"));
        assertThat(whole.path("patches").asInt()).isZero();
        // a case entry has no input; pipelines read no log
        long caseAt = view("tenant=" + t + "&kind=case.open").getFirst().path("index").asLong();
        assertThat(ApiTests.problem(() -> get("/v1/log/entries/" + caseAt + "/input", token("auditor")), 422)
                .path("detail").asText()).contains("is a case.open entry, not a decision");
        for (String role : List.of("pipeline", "reviewer", "approver")) {
            ApiTests.problem(() -> get("/v1/log/entries/" + secondAt + "/input", token(role)), 403);
        }
        ApiTests.problem(() -> get("/v1/log/entries/" + secondAt + "/input", null), 401);
        assertThat(ApiTests.problem(() -> get("/v1/log/entries/999999999/input", token("admin")), 404)
                .path("detail").asText()).contains("999999999");
    }

    @Test
    void aDecisionWhoseTransactionRollsBackLeavesNoEntry() throws Exception {
        String t = "sink-fails-" + UUID.randomUUID();
        client.toBlocking().exchange(HttpRequest.POST("/v1/signals",
                "[{\"type\": \"population\", \"tenant_id\": \"" + t + "\", \"subscription\": \"s1\", \"distinct_subjects\": 200000}]")
                .contentType("application/json").bearerAuth(token("pipeline")), String.class);
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        // once more in this thread, so that the failure is seen here and not only in the scheduler's log
        assertThatThrownBy(() -> ctx.getBean(DossierEvaluator.class).decide(t, Runnable::run).join()).isNotNull();
        log.sync();
        assertThat(ctx.getBean(DecisionStore.class).count(t)).isZero();
        assertThat(view("tenant=" + t)).isEmpty();
    }

    @Test
    void caseTransitionsAreEntriesAndAMoveWhoseEntryFailsDoesNotHappen() throws Exception {
        String t = tenantWithCase();
        String caseId = view("tenant=" + t + "&kind=case.open").getFirst().at("/entry/case").asText();
        String reviewer = ApiTests.token("rita", "reviewer");
        client.toBlocking().exchange(HttpRequest.POST("/v1/cases/" + caseId + "/assign", "{}").contentType("application/json")
                .header("If-Match", "\"1\"").bearerAuth(reviewer), String.class);
        // the test mask policy fails on this reason: no entry, so no move
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/v1/cases/" + caseId + "/dismiss",
                "{\"reason\": \"mask-fails\"}").contentType("application/json").header("If-Match", "\"2\"").bearerAuth(reviewer),
                String.class)).isNotNull();
        JsonNode c = JSON.readTree(get("/v1/cases/" + caseId, reviewer).body());
        assertThat(c.path("status").asText()).isEqualTo("in_review");
        assertThat(c.path("version").asLong()).isEqualTo(2);
        log.sync();
        List<JsonNode> moves = view("case=" + caseId);
        assertThat(moves).extracting(e -> e.at("/entry/kind").asText()).containsExactly("case.open", "case.assign");
        JsonNode assign = moves.get(1).get("entry");
        assertThat(assign.path("actor").asText()).isEqualTo("rita");
        assertThat(assign.path("from").asText()).isEqualTo("open");
        assertThat(assign.path("to").asText()).isEqualTo("in_review");
        assertThat(assign.path("case_version").asLong()).isEqualTo(2);
    }

    @Test
    void theBundleActivatedAtStartIsAnEntry() throws Exception {
        assertThat(view("kind=policy.activated")).extracting(e -> e.at("/entry/revision").asText()).contains("test-1");
    }

    @Test
    void everyEntryIsProvablyInTheSignedTree() throws Exception {
        tenantWithCase();
        Checkpoint cp = checkpoint();
        assertThat(CheckpointTest.jdkVerifies(get("/v1/log/checkpoint", token("admin")).body(),
                get("/v1/log/public-key", token("admin")).body())).isTrue();
        for (long i = Math.max(0, cp.size() - 12); i < cp.size(); i++) {
            JsonNode e = json("/v1/log/entries/" + i);
            byte[] leaf = Base64.getDecoder().decode(e.path("leaf").asText());
            assertThat(new String(leaf, StandardCharsets.UTF_8)).isEqualTo(Jcs.canonicalize(e.path("entry")));
            byte[] leafHash = ReferenceMerkle.leaf(leaf);
            assertThat(Base64.getDecoder().decode(e.path("leaf_hash").asText())).isEqualTo(leafHash);
            JsonNode p = json("/v1/log/proofs/inclusion?index=" + i + "&size=" + cp.size());
            assertThat(ReferenceMerkle.verifyInclusion(i, cp.size(), leafHash, hashes(p), cp.root())).as("entry %d", i).isTrue();
            assertThat(ReferenceMerkle.verifyInclusion(i, cp.size(), ReferenceMerkle.leaf("forged".getBytes(StandardCharsets.UTF_8)),
                    hashes(p), cp.root())).isFalse();
        }
        tenantWithCase();
        Checkpoint later = checkpoint();
        assertThat(later.size()).isGreaterThan(cp.size());
        JsonNode c = json("/v1/log/proofs/consistency?from=" + cp.size() + "&to=" + later.size());
        assertThat(c.path("from").asLong()).isEqualTo(cp.size());
        assertThat(ReferenceMerkle.verifyConsistency(cp.size(), later.size(), cp.root(), later.root(), hashes(c))).isTrue();
    }

    static List<byte[]> hashes(JsonNode proof) {
        List<byte[]> out = new ArrayList<>();
        proof.path("hashes").forEach(h -> out.add(Base64.getDecoder().decode(h.asText())));
        return out;
    }

    @Test
    void theAuditViewFiltersAndPages() throws Exception {
        String t = tenantWithCase();
        Instant after = Instant.now();
        tenantWithCase();
        assertThat(view("tenant=" + t + "&kind=decision")).hasSize(1);
        List<JsonNode> all = view("since=" + after + "&limit=1000");
        assertThat(all).isNotEmpty().allMatch(e -> Instant.parse(e.at("/entry/logged_at").asText()).compareTo(after) >= 0);
        assertThat(view("until=" + after + "&tenant=" + t)).hasSize(2);

        JsonNode page = json("/v1/log/entries?limit=2");
        assertThat(page.path("entries")).hasSize(2);
        JsonNode next = json("/v1/log/entries?limit=2&cursor=" + page.path("next_cursor").asText());
        assertThat(next.at("/entries/0/index").asLong()).isEqualTo(page.at("/entries/1/index").asLong() + 1);
    }

    @Test
    void theExportStreamsEveryEntryAsJsonLinesWithoutReporters() throws Exception {
        tenantWithCase();
        Checkpoint cp = checkpoint();
        String body = get("/v1/log/export", token("auditor")).body();
        String[] lines = body.split("\n");
        assertThat((long) lines.length).isGreaterThanOrEqualTo(cp.size());
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < cp.size(); i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertThat(line.path("index").asLong()).isEqualTo(i);
            leaves.add(ReferenceMerkle.leaf(Jcs.canonicalize(line.path("entry")).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(ReferenceMerkle.mth(leaves)).isEqualTo(cp.root());
        assertThat(body).doesNotContain("Jane Roe", "jane@example.org");
        String part = get("/v1/log/export?from=1&to=3", token("auditor")).body();
        assertThat(part.split("\n")).hasSize(2);
        assertThat(JSON.readTree(part.split("\n")[0]).path("index").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/log/entries/abc", "/v1/log/entries/-1", "/v1/log/entries/x/input", "/v1/log/proofs/inclusion", "/v1/log/proofs/inclusion?index=x",
            "/v1/log/proofs/consistency?to=3", "/v1/log/entries?nope=1", "/v1/log/entries?limit=0", "/v1/log/entries?since=yesterday",
            "/v1/log/entries?cursor=zz", "/v1/log/export?from=-3"})
    void malformedParametersAre400(String uri) throws Exception {
        JsonNode p = ApiTests.problem(() -> get(uri, token("auditor")), 400);
        assertThat(p.path("detail").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/log/proofs/inclusion?index=5&size=5", "/v1/log/proofs/inclusion?index=0&size=999999999",
            "/v1/log/proofs/consistency?from=0&to=1", "/v1/log/proofs/consistency?from=3&to=2",
            "/v1/log/export?to=999999999", "/v1/log/export?from=3&to=2",
            "/v1/log/entries?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"})
    void impossibleRequestsAre422(String uri) throws Exception {
        tenantWithCase();
        ApiTests.problem(() -> get(uri, token("auditor")), 422);
    }

    @Test
    void aMissingEntryIs404() throws Exception {
        JsonNode p = ApiTests.problem(() -> get("/v1/log/entries/999999999", token("auditor")), 404);
        assertThat(p.path("detail").asText()).contains("999999999");
    }

    static final List<String> ENDPOINTS = List.of("/v1/log/checkpoint", "/v1/log/public-key", "/v1/log/entries/0",
            "/v1/log/proofs/inclusion?index=0&size=1", "/v1/log/proofs/consistency?from=1&to=1", "/v1/log/entries",
            "/v1/log/export?to=1");

    @Test
    void auditorsAndAdminsReadOthersAreRefusedAndNobodyWrites() throws Exception {
        log.sync();
        for (String uri : ENDPOINTS) {
            for (String role : List.of("auditor", "admin")) {
                assertThat(get(uri, token(role)).code()).as(uri + " as " + role).isEqualTo(200);
            }
            for (String role : List.of("pipeline", "reviewer", "approver")) {
                ApiTests.problem(() -> get(uri, token(role)), 403);
            }
            ApiTests.problem(() -> get(uri, null), 401);
        }
        for (String uri : List.of("/v1/log/entries", "/v1/log/checkpoint")) {
            int status = catchStatus(() -> client.toBlocking().exchange(HttpRequest.POST(uri, "{}")
                    .contentType("application/json").bearerAuth(token("admin")), String.class));
            // no route writes: Micronaut Security refuses unmapped requests (403) before routing says 405
            assertThat(status).as("POST " + uri).isIn(403, 404, 405);
        }
    }

    private static int catchStatus(Runnable r) {
        try {
            r.run();
            return 200;
        } catch (io.micronaut.http.client.exceptions.HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }
}
