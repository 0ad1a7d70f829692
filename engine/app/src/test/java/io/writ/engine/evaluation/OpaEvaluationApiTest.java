package io.writ.engine.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.writ.engine.ApiTests;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** With {@code writ.policy.engine=opa} the service's answers are OPA's, and OPA's failures are problem+json. */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpaEvaluationApiTest implements TestPropertyProvider {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DECISION = "{\"verdict\": \"enforce\", \"violations\": [{\"rule\": \"from-opa\"}], \"requires_approval\": true}";

    final WireMockServer opa = started();

    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    ApplicationContext context;

    private static WireMockServer started() {
        WireMockServer s = new WireMockServer(options().dynamicPort());
        s.start();
        return s;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("writ.policy.engine", "opa",
                "writ.policy.opa.url", opa.baseUrl(),
                "writ.policy.opa.timeout", "1500ms");
    }

    @AfterAll
    void stopOpa() {
        opa.stop();
    }

    @BeforeEach
    void reset() {
        opa.resetAll();
    }

    private HttpResponse<String> call(String uri, String body) {
        return client.toBlocking().exchange(HttpRequest.POST(uri, body).contentType("application/json")
                .bearerAuth(ApiTests.token("pipe", "pipeline")), String.class);
    }

    private JsonNode problem(String uri, String body, int status) throws Exception {
        return io.writ.engine.ApiTests.problem(() -> call(uri, body), status);
    }

    @Test
    void exactlyOnePolicyEngineExistsAndItIsOpa() {
        assertThat(context.getBeansOfType(PolicyEngine.class)).singleElement().isInstanceOf(OpaPolicyEngine.class);
        assertThat(context.containsBean(EmbeddedPolicyEngine.class)).isFalse();
        assertThat(context.containsBean(BundleWatcher.class)).isFalse();
    }

    @Test
    void evaluationsGiveOpasAnswer() throws Exception {
        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(okJson("{\"result\": " + DECISION + "}")));
        String dossier = "{\"tenant\": {\"id\": \"t9\", \"segment\": \"telecom\"}}";

        JsonNode decision = JSON.readTree(call("/v1/evaluations", dossier).body());

        assertThat(decision).isEqualTo(JSON.readTree(DECISION));
        opa.verify(postRequestedFor(urlPathEqualTo("/v1/data/writ/aup/decision"))
                .withRequestBody(equalToJson("{\"input\": " + dossier + "}")));
    }

    @Test
    void dataApiPassesOpasResultAndUndefinedThrough() throws Exception {
        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(okJson("{\"result\": " + DECISION + "}")));
        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/nothing")).willReturn(okJson("{}")));

        JsonNode defined = JSON.readTree(call("/v1/data/writ/aup/decision", "{\"input\": {}}").body());
        assertThat(defined.get("result")).isEqualTo(JSON.readTree(DECISION));
        JsonNode undefined = JSON.readTree(call("/v1/data/writ/aup/nothing", "{\"input\": {}}").body());
        assertThat(undefined.has("result")).isFalse();
        assertThat(undefined.get("decision_id").asText()).hasSize(36);
    }

    @Test
    void opaErrorIs502AndTimeoutIs504() throws Exception {
        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(aResponse().withStatus(500)
                .withBody("{\"code\": \"internal_error\", \"message\": \"object insert conflict\"}")));
        JsonNode failed = problem("/v1/evaluations", "{}", 502);
        assertThat(failed.get("type").asText()).isEqualTo("https://writ.dev/problems/policy-engine-error");
        assertThat(failed.get("detail").asText()).contains("answered 500").contains("internal_error: object insert conflict");

        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(okJson("{\"result\": {}}").withFixedDelay(2500)));
        JsonNode slow = problem("/v1/data/writ/aup/decision", "{\"input\": {}}", 504);
        assertThat(slow.get("type").asText()).isEqualTo("https://writ.dev/problems/policy-engine-timeout");
        assertThat(slow.get("detail").asText()).contains("did not answer");
    }

    @Test
    void waitingForOpaDoesNotHoldTheServersEventLoops() throws Exception {
        opa.stubFor(WireMock.post(urlPathEqualTo("/v1/data/writ/aup/decision"))
                .willReturn(okJson("{\"result\": " + DECISION + "}").withFixedDelay(1000)));
        int n = 16; // four times the event loops of a 2-core machine: on the loops they would take 4 s or more
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> call("/v1/evaluations", "{}")));
            }
            for (Future<HttpResponse<String>> a : answers) {
                assertThat(JSON.readTree(a.get().body())).isEqualTo(JSON.readTree(DECISION));
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
    }

    @Test
    void healthReportsOpa() throws Exception {
        opa.stubFor(WireMock.get("/health").willReturn(okJson("{}")));
        JsonNode up = JSON.readTree(client.toBlocking().exchange(HttpRequest.GET("/health"), String.class).body());
        assertThat(up.at("/details/policy/status").asText()).isEqualTo("UP");
        assertThat(up.at("/details/policy/details/engine").asText()).isEqualTo("opa");

        opa.stubFor(WireMock.get("/health").willReturn(aResponse().withStatus(503)));
        HttpClientResponseException down = catchThrowableOfType(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.GET("/health"), String.class));
        assertThat(down.getStatus().getCode()).isEqualTo(503);
        JsonNode d = JSON.readTree(down.getResponse().getBody(String.class).orElseThrow());
        assertThat(d.at("/details/policy/details/last_error").asText()).isEqualTo("OPA's /health answered 503");
    }
}
