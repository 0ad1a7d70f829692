package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.ops.Metrics;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static io.writ.engine.evaluation.PolicyEngineException.Reason.FAILED;
import static io.writ.engine.evaluation.PolicyEngineException.Reason.TIMEOUT;
import static io.writ.engine.evaluation.PolicyEngineException.Reason.UNAVAILABLE;

/**
 * An OPA server as the policy engine, through OPA's REST Data API: {@code POST {url}/v1/data/{path}} with
 * {@code {"input": ...}}, answered by {@code {"result": ...}} (no {@code result}: undefined). The bundle is
 * OPA's business; its revision is read from the provenance OPA adds to each answer.
 *
 * <p>Deliberately small (the JDK's HTTP client, no OPA-specific library): the OPA Java SDK is not served
 * by the registry this project builds from, and can replace this class behind {@link PolicyEngine}.
 */
@Context // created at start, so that a missing or wrong URL stops the start rather than the first request
@Requires(property = PolicyEngineSelection.PROPERTY, value = OpaPolicyEngine.KIND)
public class OpaPolicyEngine implements PolicyEngine, AutoCloseable {
    public static final String KIND = "opa";
    private static final Logger LOG = LoggerFactory.getLogger(OpaPolicyEngine.class);

    private final URI base;
    private final Duration timeout;
    private final String token;
    private final Metrics metrics;
    private final HttpClient http;
    private volatile String revision;

    @Inject
    public OpaPolicyEngine(@Nullable @Value("${writ.policy.opa.url:}") String url,
                           @Value("${writ.policy.opa.timeout:5s}") Duration timeout,
                           @Nullable @Value("${writ.policy.opa.token:}") String token,
                           Metrics metrics) {
        if (url == null || url.isBlank()) {
            throw new ConfigurationException("writ.policy.engine=opa needs writ.policy.opa.url (e.g. http://localhost:8181)");
        }
        URI u = URI.create(url.endsWith("/") ? url : url + "/");
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new ConfigurationException("writ.policy.opa.url must be an http or https URL, not '" + url + "'");
        }
        this.base = u;
        this.timeout = timeout;
        this.token = token == null || token.isBlank() ? null : token;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        LOG.info("policy engine: OPA at {} (timeout {})", base, timeout);
    }

    @Override
    public io.writ.rego.value.Value evaluate(String path, io.writ.rego.value.Value input) {
        return metrics.evaluation(KIND, () -> query(path, input));
    }

    private io.writ.rego.value.Value query(String path, io.writ.rego.value.Value input) {
        String body = input == null ? "{}" : "{\"input\":" + input.toJsonString() + "}";
        HttpResponse<String> response = send(request(dataUri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), "POST /v1/data/" + path);
        if (response.statusCode() != 200) {
            throw new PolicyEngineException(FAILED, "OPA at " + base + " answered " + response.statusCode()
                    + " to /v1/data/" + path + ": " + opaError(response.body()));
        }
        io.writ.rego.value.Value answer;
        try {
            answer = Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new PolicyEngineException(FAILED, "OPA at " + base + " answered /v1/data/" + path
                    + " with malformed JSON: " + e.getMessage());
        }
        if (!(answer instanceof ObjectValue o)) {
            throw new PolicyEngineException(FAILED, "OPA at " + base + " answered /v1/data/" + path
                    + " with " + answer.typeName() + ", not an object");
        }
        String rev = provenanceRevision(o.get("provenance"));
        if (rev != null) {
            revision = rev;
        }
        return o.get("result");
    }

    /** {@code {url}/v1/data/a/b?provenance=true}, each segment of the path encoded on its own. */
    URI dataUri(String path) {
        StringBuilder p = new StringBuilder("v1/data");
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                p.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return base.resolve(p + "?provenance=true");
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new PolicyEngineException(UNAVAILABLE, "OPA at " + base + " did not accept a connection within " + timeout);
        } catch (HttpTimeoutException e) {
            throw new PolicyEngineException(TIMEOUT, "OPA at " + base + " did not answer " + what + " within " + timeout);
        } catch (IOException e) {
            throw new PolicyEngineException(UNAVAILABLE, "OPA at " + base + " is not reachable: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyEngineException(UNAVAILABLE, "interrupted while waiting for OPA at " + base);
        }
    }

    /** OPA's error body is {@code {"code": ..., "message": ...}}; anything else is quoted, shortened. */
    private static String opaError(String body) {
        try {
            if (Json.parse(body) instanceof ObjectValue o && o.get("message") instanceof StringValue m) {
                return o.get("code") instanceof StringValue c ? c.value() + ": " + m.value() : m.value();
            }
        } catch (IllegalArgumentException ignored) {
            // not JSON: fall through and quote it
        }
        String s = body == null ? "" : body.strip();
        return s.isEmpty() ? "(empty body)" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /**
     * The bundle revision from {@code provenance}: the revision of the only bundle, {@code name=revision,...}
     * when OPA serves several, or OPA's legacy top-level revision.
     */
    static String provenanceRevision(io.writ.rego.value.Value provenance) {
        if (!(provenance instanceof ObjectValue p)) {
            return null;
        }
        if (p.get("bundles") instanceof ObjectValue bundles && bundles.size() > 0) {
            Map<String, String> revisions = new TreeMap<>();
            for (int i = 0; i < bundles.size(); i++) {
                if (bundles.valueAt(i) instanceof ObjectValue b && b.get("revision") instanceof StringValue r) {
                    revisions.put(ObjectValue.keyText(bundles.keyAt(i)), r.value());
                }
            }
            if (revisions.size() == 1) {
                return revisions.values().iterator().next();
            }
            if (!revisions.isEmpty()) {
                StringBuilder s = new StringBuilder();
                revisions.forEach((name, r) -> s.append(s.isEmpty() ? "" : ",").append(name).append('=').append(r));
                return s.toString();
            }
        }
        return p.get("revision") instanceof StringValue r ? r.value() : null;
    }

    @Override
    public String revision() {
        return revision;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Up when OPA's own {@code GET /health} answers 200. */
    @Override
    public PolicyStatus status() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("engine", KIND);
        d.put("url", base.toString());
        d.put("revision", revision == null ? "unknown" : revision);
        boolean up;
        try {
            HttpResponse<String> r = send(request(base.resolve("health")).GET().build(), "GET /health");
            up = r.statusCode() == 200;
            if (!up) {
                d.put("last_error", "OPA's /health answered " + r.statusCode());
            }
        } catch (PolicyEngineException e) {
            up = false;
            d.put("last_error", e.getMessage());
        }
        return new PolicyStatus(up, d);
    }

    @PreDestroy
    @Override
    public void close() {
        http.close();
    }
}
