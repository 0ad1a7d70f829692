package io.writ.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.writ.engine.security.Tokens;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What the HTTP tests share: the test environment's token secret, tokens, and the problem+json check. */
public final class ApiTests {
    /** The secret of src/test/resources/application-test.yml. */
    public static final String SECRET = "test-secret-test-secret-test-secret-0123";
    public static final ObjectMapper JSON = new ObjectMapper();

    private ApiTests() {
    }

    public static String token(String subject, String... roles) {
        return Tokens.mint(SECRET, subject, List.of(roles), Duration.ofMinutes(5));
    }

    /** Runs a request that must fail with this status and an RFC 9457 body; returns the body. */
    public static JsonNode problem(Runnable call, int status) throws Exception {
        HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class, call::run);
        assertThat((Object) e).as("expected HTTP " + status).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(status);
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        JsonNode p = JSON.readTree(e.getResponse().getBody(String.class).orElseThrow());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        return p;
    }
}
