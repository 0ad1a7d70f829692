package io.writ.engine.evaluation;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.context.exceptions.ConfigurationException;
import io.writ.engine.ops.Metrics;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The OPA engine against a WireMock'd OPA: what OPA answers, undefined, OPA's errors, timeouts. */
class OpaPolicyEngineTest {
    static WireMockServer opa;
    Metrics metrics;
    OpaPolicyEngine engine;

    @BeforeAll
    static void startOpa() {
        opa = new WireMockServer(options().dynamicPort());
        opa.start();
    }

    @AfterAll
    static void stopOpa() {
        opa.stop();
    }

    @BeforeEach
    void engine() {
        opa.resetAll();
        metrics = Metrics.detached();
        engine = new OpaPolicyEngine(opa.baseUrl(), Duration.ofMillis(1000), null, metrics);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private double count(String outcome) {
        var c = metrics.registry().find("writ.evaluations").tags("engine", "opa", "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void returnsOpasResultWithExactNumbersAndSendsTheInput() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(okJson("""
                {"decision_id": "d-1", "result": {"verdict": "review", "score": 0.1000000000000000055511151231257827},
                 "provenance": {"version": "1.4.2", "bundles": {"writ": {"revision": "opa-rev-7"}}}}""")));
        Value input = Json.parse("{\"tenant\": {\"id\": \"t1\"}, \"n\": 12345678901234567890}");

        Value result = engine.evaluate("writ/aup/decision", input);

        assertThat(result).isEqualTo(Json.parse("{\"verdict\": \"review\", \"score\": 0.1000000000000000055511151231257827}"));
        assertThat(engine.revision()).isEqualTo("opa-rev-7");
        opa.verify(postRequestedFor(urlPathEqualTo("/v1/data/writ/aup/decision"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"input\": {\"tenant\": {\"id\": \"t1\"}, \"n\": 12345678901234567890}}")));
        assertThat(count("decided")).isEqualTo(1);
        assertThat(metrics.registry().find("writ.evaluation.duration").tags("engine", "opa").timer().count()).isEqualTo(1);
    }

    @Test
    void noResultIsUndefined() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/writ/aup/nothing")).willReturn(okJson("{\"decision_id\": \"d-2\"}")));
        assertThat(engine.evaluate("writ/aup/nothing", Json.parse("{}"))).isNull();
        assertThat(count("undefined")).isEqualTo(1);
        assertThat(engine.revision()).isNull();
    }

    @Test
    void opaErrorsBecomeFailedWithOpasMessage() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/writ/aup/decision")).willReturn(serverError().withBody(
                "{\"code\": \"internal_error\", \"message\": \"eval_conflict_error: complete rules must not produce multiple outputs\"}")));
        PolicyEngineException e = catchThrowableOfType(PolicyEngineException.class,
                () -> engine.evaluate("writ/aup/decision", Json.parse("{}")));
        assertThat(e.reason()).isEqualTo(PolicyEngineException.Reason.FAILED);
        assertThat(e.getMessage()).contains("answered 500")
                .contains("internal_error: eval_conflict_error: complete rules must not produce multiple outputs");
        assertThat(count("error")).isEqualTo(1);
    }

    @Test
    void nonJsonAnswersAreFailures() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/a")).willReturn(aResponse().withStatus(200).withBody("<html>proxy</html>")));
        assertThat(catchThrowableOfType(PolicyEngineException.class, () -> engine.evaluate("a", null)).getMessage())
                .contains("malformed JSON");
        opa.stubFor(post(urlPathEqualTo("/v1/data/b")).willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        assertThat(catchThrowableOfType(PolicyEngineException.class, () -> engine.evaluate("b", null)).getMessage())
                .endsWith("answered 502 to /v1/data/b: bad gateway");
    }

    @Test
    void slowOpaTimesOut() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/writ/aup/decision"))
                .willReturn(okJson("{\"result\": true}").withFixedDelay(5000)));
        long start = System.nanoTime();
        PolicyEngineException e = catchThrowableOfType(PolicyEngineException.class,
                () -> engine.evaluate("writ/aup/decision", Json.parse("{}")));
        assertThat(e.reason()).isEqualTo(PolicyEngineException.Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("did not answer").contains("PT1S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4000));
    }

    @Test
    void unreachableOpaIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (OpaPolicyEngine down = new OpaPolicyEngine("http://127.0.0.1:" + port, Duration.ofMillis(500), null, metrics)) {
            PolicyEngineException e = catchThrowableOfType(PolicyEngineException.class, () -> down.evaluate("x", null));
            assertThat(e.reason()).isEqualTo(PolicyEngineException.Reason.UNAVAILABLE);
            assertThat(down.status().up()).isFalse();
            assertThat(down.status().details().get("last_error").toString()).contains("not reachable");
        }
    }

    @Test
    void pathSegmentsAreEncodedAndTheTokenIsSent() {
        opa.stubFor(post(urlPathEqualTo("/v1/data/writ/a%20b/c%3Fd")).willReturn(okJson("{\"result\": 1}")));
        try (OpaPolicyEngine withToken = new OpaPolicyEngine(opa.baseUrl() + "/", Duration.ofSeconds(2), "s3cret", metrics)) {
            assertThat(withToken.evaluate("writ/a b/c?d", null)).isEqualTo(Value.of(1));
        }
        opa.verify(postRequestedFor(urlPathEqualTo("/v1/data/writ/a%20b/c%3Fd"))
                .withHeader("Authorization", equalTo("Bearer s3cret"))
                .withRequestBody(equalToJson("{}")));
    }

    @Test
    void healthFollowsOpasOwnHealthCheck() {
        opa.stubFor(get("/health").willReturn(okJson("{}")));
        assertThat(engine.status().up()).isTrue();
        assertThat(engine.status().details()).containsEntry("engine", "opa").containsEntry("url", opa.baseUrl() + "/");
        opa.stubFor(get("/health").willReturn(aResponse().withStatus(500)));
        assertThat(engine.status().up()).isFalse();
        assertThat(engine.status().details()).containsEntry("last_error", "OPA's /health answered 500");
    }

    @Test
    void severalBundlesGiveEveryRevision() {
        assertThat(OpaPolicyEngine.provenanceRevision(Json.parse(
                "{\"bundles\": {\"b\": {\"revision\": \"2\"}, \"a\": {\"revision\": \"1\"}}}"))).isEqualTo("a=1,b=2");
        assertThat(OpaPolicyEngine.provenanceRevision(Json.parse("{\"revision\": \"legacy\"}"))).isEqualTo("legacy");
        assertThat(OpaPolicyEngine.provenanceRevision(null)).isNull();
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> new OpaPolicyEngine("", Duration.ofSeconds(1), null, metrics))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("writ.policy.opa.url");
        assertThatThrownBy(() -> new OpaPolicyEngine("file:///etc", Duration.ofSeconds(1), null, metrics))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("http or https");
    }
}
