package io.writ.engine.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.writ.engine.ApiTests;
import io.writ.engine.evaluation.DecisionStore;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.tenants.DossierStore;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/signals} and {@code GET /v1/tenants/{id}} through the HTTP client, per role and per kind of bad input. */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "datasources.default.url",
        value = "jdbc:h2:mem:ingest-api;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1")
class IngestApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    IngestService ingest;
    @Inject
    DossierStore dossiers;
    @Inject
    DecisionStore decisions;
    @Inject
    EvaluationScheduler scheduler;

    static String token(String... roles) {
        return ApiTests.token("tester", roles);
    }

    static String tenant() {
        return "t-" + UUID.randomUUID();
    }

    /** Three signals that push the test policy over its 100,000-subject threshold for s1. */
    static String batch(String tenant) {
        return """
                [{"type": "tenant", "tenant_id": "%1$s", "name": "Acme", "segment": "telecom", "country": "XX"},
                 {"type": "population", "tenant_id": "%1$s", "subscription": "s1", "distinct_subjects": 60000,
                  "relationship": "third-party", "civilian_share": 0.9},
                 {"type": "population", "tenant_id": "%1$s", "subscription": "s1", "distinct_subjects": 50000,
                  "relationship": "unknown", "x_extra": {"kept": true}}]""".formatted(tenant);
    }

    private HttpResponse<String> send(MutableHttpRequest<?> req, String token) {
        if (token != null) {
            req.bearerAuth(token);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    private HttpResponse<String> post(String body, String token) {
        return send(HttpRequest.POST("/v1/signals", body).contentType("application/json"), token);
    }

    private HttpResponse<String> get(String tenant, String token) {
        return send(HttpRequest.GET("/v1/tenants/" + tenant), token);
    }

    private JsonNode problem(Runnable call, HttpStatus expected) throws Exception {
        return ApiTests.problem(call, expected.getCode());
    }

    /** Posts a bad batch and checks that it is refused with this status and that nothing was stored. */
    private JsonNode refused(String body, String contentType, HttpStatus expected) throws Exception {
        long before = ingest.batchCount();
        JsonNode p = problem(() -> send(HttpRequest.POST("/v1/signals", body).contentType(contentType), token("pipeline")),
                expected);
        assertThat(ingest.batchCount()).isEqualTo(before);
        return p;
    }

    private JsonNode awaitDecision(String tenant) throws Exception {
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        return JSON.readTree(get(tenant, token("auditor")).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipeline", "admin"})
    void pipelinesAndAdminsPostSignals(String role) throws Exception {
        String t = tenant();
        HttpResponse<String> r = post(batch(t), token(role));
        assertThat(r.getStatus().getCode()).isEqualTo(202);
        JsonNode receipt = JSON.readTree(r.body());
        assertThat(receipt.get("accepted").asInt()).isEqualTo(3);
        assertThat(receipt.get("batch_id").asText()).hasSize(36);
        assertThat(receipt.get("tenants").toString()).isEqualTo("[{\"dossier_version\":1,\"tenant_id\":\"" + t + "\"}]");
        assertThat(dossiers.latest(t).orElseThrow().version()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reviewer", "approver", "auditor"})
    void otherRolesCannotPostSignals(String role) throws Exception {
        String t = tenant();
        problem(() -> post(batch(t), token(role)), HttpStatus.FORBIDDEN);
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @Test
    void postingWithoutATokenIs401() throws Exception {
        String t = tenant();
        problem(() -> post(batch(t), null), HttpStatus.UNAUTHORIZED);
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reviewer", "approver", "auditor", "admin"})
    void staffReadTheDossierAndTheLatestDecision(String role) throws Exception {
        String t = tenant();
        post(batch(t), token("pipeline"));
        assertThat(scheduler.awaitIdle(Duration.ofSeconds(20))).isTrue();
        JsonNode body = JSON.readTree(get(t, token(role)).body());
        assertThat(body.get("tenant_id").asText()).isEqualTo(t);
        assertThat(body.get("dossier_version").asLong()).isEqualTo(1);
        assertThat(body.get("dossier_sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(body.at("/dossier/tenant").toString())
                .isEqualTo("{\"country\":\"XX\",\"id\":\"" + t + "\",\"name\":\"Acme\",\"segment\":\"telecom\"}");
        assertThat(body.at("/dossier/population")).hasSize(2);
        assertThat(body.at("/dossier/population/1/x_extra/kept").asBoolean()).as("unknown fields are kept").isTrue();
        assertThat(body.at("/decision/result/verdict").asText()).isEqualTo("review");
        assertThat(body.at("/decision/dossier_version").asLong()).isEqualTo(1);
        assertThat(body.at("/decision/dossier_sha256").asText()).isEqualTo(body.get("dossier_sha256").asText());
        assertThat(body.at("/decision/bundle_revision").asText()).isEqualTo("test-1");
    }

    @Test
    void pipelinesCannotReadTenantsAndStrangersAre401() throws Exception {
        String t = tenant();
        post(batch(t), token("pipeline"));
        problem(() -> get(t, token("pipeline")), HttpStatus.FORBIDDEN);
        problem(() -> get(t, null), HttpStatus.UNAUTHORIZED);
    }

    @Test
    void theTwoApproverRuleLearnsTheSegmentFromTheDossier(io.writ.engine.tenants.DossierSegments segments) {
        String t = tenant();
        assertThat(segments.segmentOf(t)).isEmpty();
        post(batch(t), token("pipeline"));
        assertThat(segments.segmentOf(t)).contains("telecom");
    }

    @Test
    void anUnknownTenantIs404() throws Exception {
        JsonNode p = problem(() -> get("nobody-" + UUID.randomUUID(), token("auditor")), HttpStatus.NOT_FOUND);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/unknown-tenant");
    }

    @Test
    void reportersAreMaskedInTheTenantView() throws Exception {
        String t = tenant();
        post("""
                [{"type": "report", "tenant_id": "%s", "id": "rep-1", "kind": "press", "allegation": "spam",
                  "credibility": "high", "received": "2025-08-06T00:00:00Z", "reporter": {"name": "Jane Roe", "contact": "jane@example.org"}}]"""
                .formatted(t), token("pipeline"));
        String body = get(t, token("admin")).body();
        assertThat(body).doesNotContain("Jane Roe").doesNotContain("jane@example.org");
        assertThat(JSON.readTree(body).at("/dossier/reports/0/reporter").asText()).isEqualTo("[masked]");
        assertThat(dossiers.latest(t).orElseThrow().json()).as("stored as posted").contains("Jane Roe");
    }

    @Test
    void ndjsonBatchesAreAccepted() throws Exception {
        String t = tenant();
        String body = "{\"type\": \"subscription\", \"tenant_id\": \"" + t + "\", \"id\": \"s1\", \"state\": \"active\"}\n\n"
                + "{\"type\": \"classification\", \"tenant_id\": \"" + t + "\", \"subscription\": \"s1\", "
                + "\"category\": \"intercepted-communications\", \"confidence\": 0.86}\n";
        HttpResponse<String> r = send(HttpRequest.POST("/v1/signals", body).contentType("application/x-ndjson"), token("pipeline"));
        assertThat(r.getStatus().getCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(2);
        JsonNode d = JSON.readTree(dossiers.latest(t).orElseThrow().json());
        assertThat(d.at("/subscriptions/0/state").asText()).isEqualTo("active");
        assertThat(d.at("/classifications/0/confidence").asDouble()).isEqualTo(0.86);
    }

    @Test
    void malformedJsonIs400WithLineAndColumn() throws Exception {
        JsonNode p = refused("[{\"type\": \"tenant\",\n \"tenant_id\": }]", "application/json", HttpStatus.BAD_REQUEST);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/malformed-request");
        assertThat(p.get("detail").asText()).startsWith("malformed JSON:").contains("line 2, column 15");
    }

    @Test
    void malformedNdjsonIs400WithTheLine() throws Exception {
        String t = tenant();
        String body = "{\"type\": \"tenant\", \"tenant_id\": \"" + t + "\"}\n{\"type\": \"tenant\", \"tenant_id\" \"x\"}\n";
        JsonNode p = refused(body, "application/x-ndjson", HttpStatus.BAD_REQUEST);
        assertThat(p.get("detail").asText()).startsWith("malformed NDJSON:").contains("at line 2, column 32");
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        JsonNode p = refused("", "application/json", HttpStatus.BAD_REQUEST);
        assertThat(p.get("detail").asText()).isEqualTo("the request body is empty");
    }

    @Test
    void otherMediaTypesAre415() throws Exception {
        JsonNode p = refused("[]", "text/plain", HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(p.get("detail").asText())
                .isEqualTo("a batch is application/json (an array of signals) or application/x-ndjson, not text/plain");
    }

    @Test
    void anOverlongIdempotencyKeyIs400() throws Exception {
        String t = tenant();
        for (String key : List.of("k".repeat(256))) {
            JsonNode p = problem(() -> send(HttpRequest.POST("/v1/signals", batch(t)).contentType("application/json")
                    .header("Idempotency-Key", key), token("pipeline")), HttpStatus.BAD_REQUEST);
            assertThat(p.get("detail").asText()).contains("Idempotency-Key");
        }
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @Test
    void aBatchMustBeANonEmptyArray() throws Exception {
        assertThat(refused("{\"type\": \"tenant\"}", "application/json", HttpStatus.UNPROCESSABLE_ENTITY).get("detail").asText())
                .startsWith("the batch must be a JSON array of signals");
        assertThat(refused("[]", "application/json", HttpStatus.UNPROCESSABLE_ENTITY).get("detail").asText())
                .isEqualTo("the batch holds no signals");
    }

    @Test
    void invalidSignalsAre422WithAPointerPerErrorAndNothingStored() throws Exception {
        String good = tenant();
        String body = """
                [{"type": "tenant", "tenant_id": "%1$s", "segment": "telecom"},
                 {"type": "classification", "tenant_id": "%1$s", "subscription": "s1", "category": "c", "confidence": 1.5},
                 {"type": "population", "tenant_id": "%1$s", "subscription": "s1", "distinct_subjects": "many",
                  "relationship": "friends"},
                 {"type": "usage", "tenant_id": "%1$s", "subscription": "s1", "service": "storage", "value": -1,
                  "period": {"start": "2025-07-31T00:00:00Z", "end": "2025-07-01T00:00:00Z"}},
                 {"type": "gossip", "tenant_id": "%1$s"},
                 {"tenant_id": 7},
                 {"type": "report", "tenant_id": "%1$s", "id": "r", "allegation": "spam", "received": "yesterday",
                  "reporter": {"name": "Jane Roe"}}]""".formatted(good);
        JsonNode p = refused(body, "application/json", HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/invalid-signals");
        assertThat(p.get("detail").asText()).contains("nothing was stored");
        assertThat(p.get("errors").toString()).isEqualTo(JSON.readTree("""
                [{"pointer": "/1/confidence", "detail": "must be between 0 and 1"},
                 {"pointer": "/2/distinct_subjects", "detail": "must be a number, not string"},
                 {"pointer": "/2/relationship", "detail": "'friends' is not one of consenting-participants, own-customers, own-employees, own-users, third-party, unknown"},
                 {"pointer": "/3/metric", "detail": "is required for a usage signal"},
                 {"pointer": "/3/value", "detail": "must not be negative"},
                 {"pointer": "/3/period", "detail": "start must be before end"},
                 {"pointer": "/4/type", "detail": "'gossip' is not a signal type; types are attestation, classification, population, report, subscription, tenant, usage"},
                 {"pointer": "/5/type", "detail": "is required"},
                 {"pointer": "/5/tenant_id", "detail": "must be a string, not number"},
                 {"pointer": "/6/received", "detail": "must be an ISO-8601 timestamp with an offset, like 2025-07-01T00:00:00Z"}]
                """).toString());
        assertThat(p.toString()).doesNotContain("Jane Roe");
        assertThat(dossiers.latest(good)).as("all or nothing: the valid signals were not stored either").isEmpty();
    }

    @Test
    void moreThanTenThousandSignalsIs413() throws Exception {
        String t = tenant();
        String one = "{\"type\": \"tenant\", \"tenant_id\": \"" + t + "\"}";
        String body = "[" + String.join(",", java.util.Collections.nCopies(10_001, one)) + "]";
        JsonNode p = refused(body, "application/json", HttpStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/too-many-signals");
        assertThat(p.get("detail").asText()).contains("at most 10000 signals");
        JsonNode q = refused(String.join("\n", java.util.Collections.nCopies(10_001, one)), "application/x-ndjson",
                HttpStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(q.get("type").asText()).isEqualTo("https://writ.dev/problems/too-many-signals");
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @Test
    void aBodyOverTenMegabytesIs413() throws Exception {
        String t = tenant();
        String padding = "x".repeat(10 * 1024 * 1024);
        String body = "[{\"type\": \"tenant\", \"tenant_id\": \"" + t + "\", \"name\": \"" + padding + "\"}]";
        JsonNode p = refused(body, "application/json", HttpStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(dossiers.latest(t)).isEmpty();
    }

    @Test
    void aReplayReturnsTheFirstAnswerAndStoresNothingTwice() throws Exception {
        String t = tenant();
        String key = "k-" + UUID.randomUUID();
        HttpResponse<String> first = send(HttpRequest.POST("/v1/signals", batch(t)).contentType("application/json")
                .header("Idempotency-Key", key), token("pipeline"));
        long batches = ingest.batchCount();
        HttpResponse<String> again = send(HttpRequest.POST("/v1/signals", batch(t)).contentType("application/json")
                .header("Idempotency-Key", key), token("pipeline"));
        assertThat(again.getStatus().getCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(ingest.batchCount()).isEqualTo(batches);
        assertThat(dossiers.latest(t).orElseThrow().version()).isEqualTo(1);

        JsonNode p = problem(() -> send(HttpRequest.POST("/v1/signals", batch(tenant())).contentType("application/json")
                .header("Idempotency-Key", key), token("pipeline")), HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/idempotency-key-reused");
        assertThat(ingest.batchCount()).isEqualTo(batches);

        // without a key, the same body is a new batch
        post(batch(t), token("pipeline"));
        assertThat(dossiers.latest(t).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void eachBatchMakesANewVersionAndTheNewestIsDecided() throws Exception {
        String t = tenant();
        post("[{\"type\": \"population\", \"tenant_id\": \"" + t + "\", \"subscription\": \"s1\", \"distinct_subjects\": 10}]",
                token("pipeline"));
        JsonNode first = awaitDecision(t);
        assertThat(first.at("/decision/result/verdict").asText()).isEqualTo("allow");
        post(batch(t), token("pipeline"));
        JsonNode second = awaitDecision(t);
        assertThat(second.get("dossier_version").asLong()).isEqualTo(2);
        assertThat(second.at("/decision/dossier_version").asLong()).isEqualTo(2);
        assertThat(second.at("/decision/result/verdict").asText()).isEqualTo("review");
        assertThat(second.at("/dossier/population")).hasSize(3);
        assertThat(decisions.count(t)).isEqualTo(2);
    }
}
