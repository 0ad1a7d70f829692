package io.writ.engine.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.writ.engine.ApiTests;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** /prometheus (admins and auditors), the OpenAPI document and its UI (open), through the HTTP client. */
@MicronautTest(environments = "test")
class OpsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    Metrics metrics;

    static String token(String... roles) {
        return ApiTests.token("ops", roles);
    }

    private HttpResponse<String> get(String uri, String token) {
        MutableHttpRequest<?> req = HttpRequest.GET(uri);
        if (token != null) {
            req.bearerAuth(token);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    private int status(String uri, String token) {
        HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class, () -> get(uri, token));
        if (e == null) {
            return 200;
        }
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        return e.getStatus().getCode();
    }

    /** The sample lines of one metric family in the Prometheus text format. */
    private static List<String> samples(String exposition, String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(prefix)) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void prometheusShowsEvaluationsAfterOne() {
        client.toBlocking().exchange(HttpRequest.POST("/v1/evaluations", "{\"tenant\": {\"id\": \"t1\"}}")
                .contentType("application/json").bearerAuth(token("pipeline")), String.class);
        client.toBlocking().exchange(HttpRequest.POST("/v1/data/writ/aup/nothing_here", "{\"input\": {}}")
                .contentType("application/json").bearerAuth(token("pipeline")), String.class);

        String body = get("/prometheus", token("auditor")).body();

        assertThat(samples(body, "writ_evaluations_total{engine=\"embedded\",outcome=\"decided\"}"))
                .singleElement().satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(1));
        assertThat(samples(body, "writ_evaluations_total{engine=\"embedded\",outcome=\"undefined\"}")).hasSize(1);
        assertThat(samples(body, "writ_evaluation_duration_seconds_bucket{engine=\"embedded\",outcome=\"decided\",le=")).hasSizeGreaterThan(5);
        assertThat(samples(body, "writ_evaluation_duration_seconds_count{engine=\"embedded\",outcome=\"decided\"}")).hasSize(1);
    }

    @Test
    void facadeMetersOtherSlicesWillUse() {
        AtomicInteger open = new AtomicInteger(3);
        metrics.signalsAccepted(100);
        metrics.signalsRejected(2);
        metrics.casesByStatus("open", open::get);
        open.set(4);

        String body = get("/prometheus", token("admin")).body();

        assertThat(samples(body, "writ_signals_accepted_total ")).singleElement().asString().endsWith(" 100.0");
        assertThat(samples(body, "writ_signals_rejected_total ")).singleElement().asString().endsWith(" 2.0");
        assertThat(samples(body, "writ_cases{status=\"open\"}")).singleElement().asString().endsWith(" 4.0");
    }

    @Test
    void prometheusIsForAdminsAndAuditors() {
        assertThat(status("/prometheus", token("admin"))).isEqualTo(200);
        assertThat(status("/prometheus", token("auditor"))).isEqualTo(200);
        for (String role : new String[]{"pipeline", "reviewer", "approver"}) {
            assertThat(status("/prometheus", token(role))).as(role).isEqualTo(403);
        }
        assertThat(status("/prometheus", null)).isEqualTo(401);
    }

    @Test
    void openApiDocumentListsTheEndpointsWithoutAToken() throws Exception {
        HttpResponse<String> r = get("/swagger/writ.yml", null);
        JsonNode doc = new YAMLMapper().readTree(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.at("/info/title").asText()).isEqualTo("Writ");
        assertThat(doc.get("paths").has("/v1/evaluations")).isTrue();
        assertThat(doc.get("paths").has("/v1/data/{path}")).isTrue();
        assertThat(doc.at("/paths/~1v1~1data~1{path}/post/parameters/0/name").asText()).isEqualTo("path");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void swaggerUiIsBrowsableWithoutAToken() {
        String index = get("/swagger-ui/index.html", null).body();
        assertThat(index).contains("swagger-ui").contains("/swagger/writ.yml");
        assertThat(get("/swagger-ui/res/swagger-ui-bundle.js", null).body()).isNotEmpty();
        assertThat(status("/swagger-ui/", null)).isEqualTo(200);
    }

    @Test
    void otherPathsStillNeedAToken() {
        assertThat(status("/v1/anything", null)).isEqualTo(401);
    }
}
