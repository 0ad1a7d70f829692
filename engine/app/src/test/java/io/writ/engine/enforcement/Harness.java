package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.writ.engine.ApiTests;
import io.writ.engine.storage.Databases;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running service for the enforcement tests, with its own database, reached over HTTP only: signals in, cases
 * moved by people with tokens, plans read back. The provider is {@link FakeConnector}.
 */
final class Harness implements AutoCloseable {
    static final ObjectMapper JSON = ApiTests.JSON;
    final ApplicationContext ctx;
    final HttpClient client;
    private final String secret;
    private final boolean owned;

    private Harness(ApplicationContext ctx, String secret, boolean owned) {
        this.ctx = ctx;
        this.secret = secret;
        this.owned = owned;
        this.client = HttpClient.create(ctx.getBean(EmbeddedServer.class).getURL());
    }

    /** The test environment on a fresh H2 database, with these settings on top. */
    static Harness start(Map<String, Object> settings) {
        return start(Databases.h2("e" + UUID.randomUUID().toString().replace("-", "")), settings);
    }

    static Harness start(Map<String, Object> database, Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>(database);
        props.putAll(settings);
        ApplicationContext ctx = ApplicationContext.run(EmbeddedServer.class, props, "test").getApplicationContext();
        return new Harness(ctx, ApiTests.SECRET, true);
    }

    /** HTTP to a service started elsewhere, whose tokens are signed with this secret; closing leaves it running. */
    static Harness wrap(ApplicationContext ctx, String secret) {
        return new Harness(ctx, secret, false);
    }

    FakeConnector fake() {
        return (FakeConnector) ctx.getBean(ConnectorRegistry.class).connector("fake").orElseThrow();
    }

    /** A token of the test environment's issuer. */
    static String token(String subject, String... roles) {
        return ApiTests.token(subject, roles);
    }

    /** A token this service accepts. */
    String tokenFor(String subject, String... roles) {
        return io.writ.engine.security.Tokens.mint(secret, subject, List.of(roles), Duration.ofMinutes(5));
    }

    JsonNode get(String uri, String token) {
        return read(client.toBlocking().exchange(HttpRequest.GET(uri).bearerAuth(token), String.class));
    }

    JsonNode post(String uri, String body, String token) {
        return read(client.toBlocking().exchange(HttpRequest.POST(uri, body).contentType("application/json")
                .bearerAuth(token), String.class));
    }

    JsonNode put(String uri, String body, String token) {
        return read(client.toBlocking().exchange(HttpRequest.PUT(uri, body).contentType("application/json")
                .bearerAuth(token), String.class));
    }

    /** Moves a case as this user at its current version. */
    JsonNode move(String caseId, String transition, String body, String token) {
        long v = get("/v1/cases/" + caseId, tokenFor("admin", "admin")).get("version").asLong();
        MutableHttpRequest<String> req = HttpRequest.POST("/v1/cases/" + caseId + "/" + transition, body)
                .contentType("application/json").header("If-Match", "\"" + v + "\"").bearerAuth(token);
        return read(client.toBlocking().exchange(req, String.class));
    }

    private static JsonNode read(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A tenant with subscriptions at the fake provider whose population signal makes the test policy open a review
     * case; returns the case id.
     */
    String caseFor(String tenant, String segment, List<String> subscriptions) {
        StringBuilder b = new StringBuilder("[{\"type\": \"tenant\", \"tenant_id\": \"" + tenant + "\", \"segment\": \""
                + segment + "\"}");
        for (String s : subscriptions) {
            b.append(", {\"type\": \"subscription\", \"tenant_id\": \"").append(tenant).append("\", \"id\": \"").append(s)
                    .append("\", \"provider\": \"fake\", \"state\": \"active\"}");
        }
        b.append(", {\"type\": \"population\", \"tenant_id\": \"").append(tenant).append("\", \"subscription\": \"")
                .append(subscriptions.getFirst()).append("\", \"distinct_subjects\": 2300000, \"subject_kind\": \"phone-number\", ")
                .append("\"relationship\": \"third-party\", \"civilian_share\": 0.97, \"source\": \"estimate\"}]");
        return signals(tenant, b.toString());
    }

    /** Posts a batch and waits for the case it opens for the tenant. */
    String signals(String tenant, String batch) {
        client.toBlocking().exchange(HttpRequest.POST("/v1/signals", batch).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).bearerAuth(tokenFor("pipe", "pipeline")), String.class);
        String[] id = new String[1];
        await(Duration.ofSeconds(20), () -> {
            JsonNode cases = get("/v1/cases?tenant=" + tenant, tokenFor("admin", "admin")).get("cases");
            if (cases.isEmpty()) {
                return false;
            }
            id[0] = cases.get(0).get("id").asText();
            return true;
        });
        return id[0];
    }

    /** assign + propose by alice, then approvals by bob (and carol when two are needed). */
    JsonNode approve(String caseId, String actions, String scope) {
        move(caseId, "assign", "{}", tokenFor("alice", "reviewer"));
        move(caseId, "propose", "{\"reason\": \"bulk interception of civilians\", \"clause\": \"AUP-2.1\", \"actions\": "
                + actions + ", \"scope\": " + scope + "}", tokenFor("alice", "reviewer"));
        JsonNode c = move(caseId, "approve", "{\"reason\": \"evidence is clear\"}", tokenFor("bob", "approver"));
        if (c.get("status").asText().equals("proposed")) {
            c = move(caseId, "approve", "{\"reason\": \"agreed\"}", tokenFor("carol", "approver"));
        }
        assertThat(c.get("status").asText()).isEqualTo("approved");
        return c;
    }

    /** The audit log's entries of a case, oldest first, once everything committed so far is sequenced. */
    List<JsonNode> auditEntries(String query) {
        ctx.getBean(io.writ.engine.audit.AuditLog.class).sync();
        List<JsonNode> out = new java.util.ArrayList<>();
        get("/v1/log/entries?" + query + "&limit=1000", tokenFor("aud", "auditor")).get("entries").forEach(e -> out.add(e.get("entry")));
        return out;
    }

    /** The kinds of a case's audit entries, oldest first. */
    List<String> auditKinds(String caseId) {
        return auditEntries("case=" + caseId).stream().map(e -> e.get("kind").asText()).toList();
    }

    JsonNode caseView(String caseId) {
        return get("/v1/cases/" + caseId, tokenFor("aud", "auditor"));
    }

    /** Waits for the case to reach the status; fails with the case's enforcement section otherwise. */
    JsonNode awaitStatus(String caseId, String status) {
        JsonNode[] last = new JsonNode[1];
        boolean reached = poll(Duration.ofSeconds(20), () -> {
            last[0] = caseView(caseId);
            return last[0].get("status").asText().equals(status);
        });
        assertThat(reached).as("case %s reaching %s; last seen: %s", caseId, status, last[0]).isTrue();
        return last[0];
    }

    static void await(Duration timeout, BooleanSupplier condition) {
        assertThat(poll(timeout, condition)).as("condition within " + timeout).isTrue();
    }

    static boolean poll(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        client.close();
        if (owned) {
            ctx.close();
        }
    }
}
