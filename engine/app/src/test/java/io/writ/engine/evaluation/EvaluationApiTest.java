package io.writ.engine.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.writ.engine.ApiTests;
import io.writ.engine.security.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation endpoints through the HTTP client: roles, problem details, and agreement with the Data API. */
@MicronautTest(environments = "test")
class EvaluationApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DOSSIER = """
            {"tenant": {"id": "t1", "segment": "telecom"},
             "population": [{"subscription": "s1", "distinct_subjects": 60000, "relationship": "third-party"},
                            {"subscription": "s1", "distinct_subjects": 50000, "relationship": "unknown"},
                            {"subscription": "s2", "distinct_subjects": 10, "relationship": "third-party"}]}""";

    @Inject
    @Client("/")
    HttpClient client;

    static String token(String... roles) {
        return ApiTests.token("tester", roles);
    }

    private HttpResponse<String> post(String uri, String body, String token) {
        var req = HttpRequest.POST(uri, body).contentType("application/json");
        if (token != null) {
            req.bearerAuth(token);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    private JsonNode problem(String uri, String body, String token, HttpStatus expected) throws Exception {
        return ApiTests.problem(() -> post(uri, body, token), expected.getCode());
    }

    @Test
    void healthIsOpenAndReportsTheBundle() throws Exception {
        HttpResponse<String> r = client.toBlocking().exchange(HttpRequest.GET("/health"), String.class);
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("status").asText()).isEqualTo("UP");
        assertThat(h.at("/details/policy/details/revision").asText()).isEqualTo("test-1");
    }

    @Test
    void pipelineGetsADecision() throws Exception {
        HttpResponse<String> r = post("/v1/evaluations", DOSSIER, token("pipeline"));
        JsonNode d = JSON.readTree(r.body());
        assertThat(d.get("verdict").asText()).isEqualTo("review");
        assertThat(d.at("/violations/0/scope/subscriptions").toString()).isEqualTo("[\"s1\"]");
    }

    @Test
    void noTokenIs401AndWrongRoleIs403AsProblems() throws Exception {
        assertThat(problem("/v1/evaluations", DOSSIER, null, HttpStatus.UNAUTHORIZED).get("detail").asText())
                .contains("bearer token");
        problem("/v1/evaluations", DOSSIER, token("auditor"), HttpStatus.FORBIDDEN);
        String forged = Tokens.mint("another-secret-another-secret-another-1", "mallory", List.of("admin"), Duration.ofMinutes(5));
        problem("/v1/evaluations", DOSSIER, forged, HttpStatus.UNAUTHORIZED);
    }

    @Test
    void badBodiesArePreciseProblems() throws Exception {
        JsonNode p = problem("/v1/evaluations", "{\"tenant\": {\"id\": \"t1\",\n}", token("pipeline"), HttpStatus.BAD_REQUEST);
        assertThat(p.get("detail").asText()).startsWith("malformed JSON:").contains("line 2");
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/malformed-request");
        JsonNode q = problem("/v1/evaluations", "[1, 2]", token("pipeline"), HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(q.get("detail").asText()).isEqualTo("the dossier must be a JSON object, not array");
    }

    @Test
    void dataApiAnswersWhatEvaluationsAnswer() throws Exception {
        JsonNode viaEvaluations = JSON.readTree(post("/v1/evaluations", DOSSIER, token("pipeline")).body());
        JsonNode viaData = JSON.readTree(post("/v1/data/writ/aup/decision", "{\"input\": " + DOSSIER + "}", token("pipeline")).body());
        assertThat(viaData.get("result")).isEqualTo(viaEvaluations);
        assertThat(viaData.get("decision_id").asText()).hasSize(36);
        JsonNode undefined = JSON.readTree(post("/v1/data/writ/aup/nothing_here", "{\"input\": {}}", token("pipeline")).body());
        assertThat(undefined.has("result")).isFalse();
        assertThat(undefined.has("decision_id")).isTrue();
    }
}
