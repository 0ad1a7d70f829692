package io.writ.engine.cases;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
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
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.writ.engine.cases.CaseFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The cases API through the HTTP client: every endpoint per role, the guards on each move, filters and pages. */
// not transactional: the cases the sink opens must be committed for the server's requests to see them
@MicronautTest(environments = "test", transactional = false)
class CaseApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ALL_ROLES = List.of("pipeline", "reviewer", "approver", "auditor", "admin");

    @Inject
    @Client("/")
    HttpClient client;

    @Inject
    ApplicationContext ctx;

    static String token(String subject, String... roles) {
        return ApiTests.token(subject, roles);
    }

    /** A case for a fresh tenant, opened by the sink. */
    private CaseRow newCase(String severity) {
        String t = tenant();
        deliver(ctx, decision(t, result("review", List.of(violation("spam", "review", severity, "sub-a", "")))));
        return only(ctx, t, "spam");
    }

    private HttpResponse<String> get(String uri, String token) {
        return client.toBlocking().exchange(HttpRequest.GET(uri).bearerAuth(token), String.class);
    }

    private HttpResponse<String> move(String id, String transition, String body, String ifMatch, String token) {
        MutableHttpRequest<String> req = HttpRequest.POST("/v1/cases/" + id + "/" + transition, body)
                .contentType("application/json");
        if (token != null) {
            req.bearerAuth(token);
        }
        if (ifMatch != null) {
            req.header("If-Match", ifMatch);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    /** Moves a case as the given user, passing the version it is at now. */
    private JsonNode move(String id, String transition, String body, String token) throws Exception {
        long v = version(id);
        HttpResponse<String> r = move(id, transition, body, "\"" + v + "\"", token);
        JsonNode c = JSON.readTree(r.body());
        assertThat(r.header("ETag")).isEqualTo("\"" + c.get("version").asLong() + "\"");
        return c;
    }

    /** Waits for the service to move the case (the enforcement worker runs in the background). */
    private void awaitStatus(String id, String status) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String seen = null;
        while (System.nanoTime() < end) {
            seen = JSON.readTree(get("/v1/cases/" + id, token("admin", "admin")).body()).get("status").asText();
            if (seen.equals(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("case " + id + " did not reach " + status + "; it is " + seen);
    }

    private long version(String id) throws Exception {
        return JSON.readTree(get("/v1/cases/" + id, token("admin", "admin")).body()).get("version").asLong();
    }

    private HttpClientResponseException fails(Runnable call, int status) {
        HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class, call::run);
        assertThat((Object) e).as("expected " + status).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(status);
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        return e;
    }

    private JsonNode problem(Runnable call, int status) throws Exception {
        return JSON.readTree(fails(call, status).getResponse().getBody(String.class).orElseThrow());
    }

    private static String reason(String why) {
        return "{\"reason\": \"" + why + "\"}";
    }

    static final String PROPOSAL = """
            {"reason": "bulk interception of civilians", "clause": "AUP-2.1",
             "actions": [{"action": "disable-subscription", "subscription": "sub-a"}],
             "scope": {"subscriptions": ["sub-a"]}}""";

    // --- reading ------------------------------------------------------------------------------------

    @Test
    void readersSeeCasesAndOthersDoNot() throws Exception {
        CaseRow c = newCase("low");
        for (String role : List.of("reviewer", "approver", "auditor", "admin")) {
            HttpResponse<String> list = get("/v1/cases?tenant=" + c.tenantId(), token("u", role));
            assertThat(JSON.readTree(list.body()).get("cases")).hasSize(1);
            HttpResponse<String> one = get("/v1/cases/" + c.id(), token("u", role));
            assertThat(one.header("ETag")).isEqualTo("\"1\"");
            JsonNode body = JSON.readTree(one.body());
            assertThat(body.get("status").asText()).isEqualTo("open");
            assertThat(body.get("evidence")).hasSize(1);
            assertThat(body.get("history").get(0).get("event").asText()).isEqualTo("open");
            assertThat(body.get("transitions").toString()).isEqualTo("[\"assign\"]");
        }
        problem(() -> get("/v1/cases", token("p", "pipeline")), 403);
        problem(() -> get("/v1/cases/" + c.id(), token("p", "pipeline")), 403);
        problem(() -> client.toBlocking().exchange(HttpRequest.GET("/v1/cases"), String.class), 401);
        JsonNode missing = problem(() -> get("/v1/cases/no-such-case", token("a", "auditor")), 404);
        assertThat(missing.get("type").asText()).isEqualTo("https://writ.dev/problems/case-not-found");
    }

    @Test
    void theReporterAppearsInTheCaseRecordOnlyAndNeverInLogs() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            String t = tenant();
            String reported = violation("mass-surveillance", "enforce", "critical", "sub-a", """
                    "indicators": ["credible-report"], "reports": [{"id": "rep-1", "kind": "press",
                     "reporter": {"name": "Rita Reporter", "contact": "rita@example.org"}}]""");
            deliver(ctx, decision(t, result("enforce", List.of(reported))));
            String list = get("/v1/cases?tenant=" + t, token("u", "auditor")).body();
            assertThat(list).doesNotContain("Rita Reporter").contains("mass-surveillance");
            String id = JSON.readTree(list).at("/cases/0/id").asText();
            String record = get("/v1/cases/" + id, token("u", "auditor")).body();
            assertThat(record).contains("Rita Reporter");
            move(id, "assign", "{}", token("alice", "reviewer"));
            assertThat(logs.list).isNotEmpty();
            assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("Rita", "rita@"));
        } finally {
            root.detachAppender(logs);
        }
    }

    // --- moves, per role ----------------------------------------------------------------------------

    @Test
    void aCaseGoesTheWholeWayWithTheRightRoles() throws Exception {
        CaseRow c = newCase("medium");
        String id = c.id();
        // a move without data needs no body at all (curl -X POST -H 'If-Match: "1"' ...)
        HttpResponse<String> bare = client.toBlocking().exchange(HttpRequest.POST("/v1/cases/" + id + "/assign", null)
                .header("If-Match", "\"1\"").bearerAuth(token("alice", "reviewer")), String.class);
        assertThat(bare.header("ETag")).isEqualTo("\"2\"");
        assertThat(JSON.readTree(bare.body()).get("assignee").asText()).isEqualTo("alice");
        JsonNode proposed = move(id, "propose", PROPOSAL, token("alice", "reviewer"));
        assertThat(proposed.get("status").asText()).isEqualTo("proposed");
        assertThat(proposed.at("/proposal/proposer").asText()).isEqualTo("alice");
        assertThat(proposed.at("/proposal/actions/0/action").asText()).isEqualTo("disable-subscription");
        JsonNode approved = move(id, "approve", reason("evidence is clear"), token("bob", "approver"));
        assertThat(approved.get("status").asText()).isEqualTo("approved");
        assertThat(approved.at("/approvals/0/approver").asText()).isEqualTo("bob");
        assertThat(move(id, "execute", reason("harm is ongoing"), token("bob", "approver")).get("status").asText()).isEqualTo("executing");
        // the service completes the case once the enforcement plan is applied and verified (test connector)
        awaitStatus(id, "enforced");
        assertThat(move(id, "appeal", reason("tenant appealed"), token("alice", "reviewer")).get("status").asText()).isEqualTo("appealed");
        assertThat(move(id, "reinstate", reason("warrant produced"), token("bob", "approver")).get("status").asText()).isEqualTo("reinstating");
        awaitStatus(id, "reinstated");
        JsonNode closed = move(id, "close", "{}", token("alice", "reviewer"));
        assertThat(closed.get("status").asText()).isEqualTo("closed");
        assertThat(closed.get("version").asLong()).isEqualTo(10);
        assertThat(closed.get("transitions")).isEmpty();
        List<String> trail = new ArrayList<>();
        closed.get("history").forEach(e -> trail.add(e.get("event").asText() + ":" + e.get("actor").asText() + ":"
                + e.get("from").asText() + ">" + e.get("to").asText()));
        assertThat(trail).containsExactly("open:writ:null>open", "assign:alice:open>in_review",
                "propose:alice:in_review>proposed", "approve:bob:proposed>approved", "execute:bob:approved>executing",
                "complete:writ:executing>enforced", "appeal:alice:enforced>appealed", "reinstate:bob:appealed>reinstating",
                "restore:writ:reinstating>reinstated", "close:alice:reinstated>closed");
        assertThat(closed.at("/history/3/reason").asText()).isEqualTo("evidence is clear");
    }

    @Test
    void eachMoveIsRefusedToRolesItDoesNotName() throws Exception {
        // role -> the moves it may make (admin: all), checked on a case in the move's starting state
        CaseRow c = newCase("low");
        String id = c.id();
        for (String role : List.of("auditor", "pipeline")) {
            problem(() -> move(id, "assign", "{}", "\"1\"", token("x", role)), 403);
        }
        JsonNode p = problem(() -> move(id, "assign", "{}", "\"1\"", token("x", "approver")), 403);
        assertThat(p.get("detail").asText()).isEqualTo("assign needs one of the roles admin, reviewer");
        problem(() -> move(id, "assign", "{}", "\"1\"", null), 401);
        move(id, "assign", "{}", token("alice", "reviewer"));
        problem(() -> move(id, "propose", PROPOSAL, "\"2\"", token("alice", "approver")), 403);
        problem(() -> move(id, "dismiss", reason("x"), "\"2\"", token("alice", "approver")), 403);
        move(id, "propose", PROPOSAL, token("alice", "reviewer"));
        problem(() -> move(id, "approve", reason("ok"), "\"3\"", token("carol", "reviewer")), 403);
        problem(() -> move(id, "reject", reason("no"), "\"3\"", token("carol", "reviewer", "auditor")), 403);
        assertThat(move(id, "reject", reason("too broad"), token("bob", "approver")).get("status").asText()).isEqualTo("rejected");
        // after a rejection the reviewer can propose again; earlier approvals would not count
        move(id, "propose", PROPOSAL, token("alice", "reviewer"));
        move(id, "approve", reason("ok"), token("bob", "approver"));
        problem(() -> move(id, "execute", reason("x"), "\"6\"", token("alice", "reviewer")), 403);
        move(id, "execute", reason("now"), token("bob", "approver"));
        // nobody completes a case: the service does, when its plan is applied and verified
        problem(() -> move(id, "complete", "{}", "\"7\"", token("root", "admin")), 409);
        awaitStatus(id, "enforced");
        problem(() -> move(id, "appeal", reason("x"), "\"8\"", token("bob", "approver")), 403);
        move(id, "appeal", reason("tenant says it is lawful"), token("alice", "reviewer"));
        problem(() -> move(id, "uphold", reason("x"), "\"9\"", token("alice", "reviewer")), 403);
        problem(() -> move(id, "reinstate", reason("x"), "\"9\"", token("alice", "reviewer")), 403);
        assertThat(move(id, "uphold", reason("not lawful"), token("bob", "approver")).get("status").asText()).isEqualTo("enforced");
        problem(() -> move(id, "close", "{}", "\"10\"", token("x", "auditor")), 403);
        assertThat(move(id, "close", "{}", token("bob", "approver")).get("status").asText()).isEqualTo("closed");
        assertThat(version(id)).isEqualTo(11);
    }

    @Test
    void adminsMayMakeEveryMoveButNotApproveTheirOwnProposal() throws Exception {
        CaseRow c = newCase("low");
        String id = c.id();
        move(id, "assign", "{\"assignee\": \"alice\"}", token("root", "admin"));
        // an admin may work a case assigned to someone else
        move(id, "propose", PROPOSAL, token("root", "admin"));
        JsonNode own = problem(() -> move(id, "approve", reason("mine"), "\"3\"", token("root", "admin")), 403);
        assertThat(own.get("type").asText()).isEqualTo("https://writ.dev/problems/own-proposal");
        assertThat(move(id, "approve", reason("fine"), token("root2", "admin")).get("status").asText()).isEqualTo("approved");
    }

    // --- the guards -----------------------------------------------------------------------------------

    @Test
    void ifMatchIsRequiredAndAStaleVersionConflicts() throws Exception {
        CaseRow c = newCase("low");
        String id = c.id();
        JsonNode missing = problem(() -> move(id, "assign", "{}", null, token("alice", "reviewer")), 428);
        assertThat(missing.get("type").asText()).isEqualTo("https://writ.dev/problems/if-match-required");
        problem(() -> move(id, "assign", "{}", "*", token("alice", "reviewer")), 400);
        move(id, "assign", "{}", token("alice", "reviewer"));
        HttpClientResponseException stale = fails(() -> move(id, "dismiss", reason("dup"), "\"1\"", token("alice", "reviewer")), 409);
        assertThat(stale.getResponse().header("ETag")).isEqualTo("\"2\"");
        JsonNode p = JSON.readTree(stale.getResponse().getBody(String.class).orElseThrow());
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/version-conflict");
        assertThat(p.get("detail").asText()).contains("version 2, not 1");
        assertThat(version(id)).isEqualTo(2);
        // weak and unquoted forms of the same version are accepted
        assertThat(JSON.readTree(move(id, "dismiss", reason("dup"), "W/\"2\"", token("alice", "reviewer")).body())
                .get("status").asText()).isEqualTo("dismissed");
    }

    @Test
    void twoReviewersRacingWithTheSameVersionOneGets409() throws Exception {
        CaseRow c = newCase("low");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (String reviewer : List.of("alice", "bob")) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return move(c.id(), "assign", "{}", "\"1\"", token(reviewer, "reviewer")).code();
                    } catch (HttpClientResponseException e) {
                        return e.getStatus().getCode();
                    }
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : results) {
                codes.add(f.get());
            }
            assertThat(codes).containsExactlyInAnyOrder(200, 409);
        } finally {
            pool.shutdownNow();
        }
        JsonNode after = JSON.readTree(get("/v1/cases/" + c.id(), token("a", "auditor")).body());
        assertThat(after.get("version").asLong()).isEqualTo(2);
        assertThat(after.get("history")).hasSize(2);
    }

    @Test
    void theProposerCannotApprove() throws Exception {
        CaseRow c = newCase("low");
        String carol = token("carol", "reviewer", "approver");
        move(c.id(), "assign", "{}", carol);
        move(c.id(), "propose", PROPOSAL, carol);
        JsonNode p = problem(() -> move(c.id(), "approve", reason("looks right"), "\"3\"", carol), 403);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/own-proposal");
        JsonNode after = JSON.readTree(get("/v1/cases/" + c.id(), carol).body());
        assertThat(after.get("status").asText()).isEqualTo("proposed");
        assertThat(after.get("approvals")).isEmpty();
        assertThat(after.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void criticalAndGovernmentCasesNeedTwoDistinctApprovers() throws Exception {
        String gov = tenant();
        deliver(ctx, decision(gov, "{\"verdict\": \"review\", \"tenant\": {\"segment\": \"government-intelligence\"},"
                + " \"violations\": [" + violation("spam", "review", "low", "sub-a", "") + "]}"));
        for (CaseRow c : List.of(newCase("critical"), only(ctx, gov, "spam"))) {
            String id = c.id();
            assertThat(JSON.readTree(get("/v1/cases/" + id, token("a", "auditor")).body()).get("approvals_needed").asInt()).isEqualTo(2);
            move(id, "assign", "{}", token("alice", "reviewer"));
            move(id, "propose", PROPOSAL, token("alice", "reviewer"));
            JsonNode first = move(id, "approve", reason("agree"), token("bob", "approver"));
            assertThat(first.get("status").asText()).isEqualTo("proposed");
            assertThat(first.get("approvals")).hasSize(1);
            JsonNode again = problem(() -> move(id, "approve", reason("agree again"), "\"4\"", token("bob", "approver")), 409);
            assertThat(again.get("type").asText()).isEqualTo("https://writ.dev/problems/already-approved");
            JsonNode second = move(id, "approve", reason("agree too"), token("dave", "approver"));
            assertThat(second.get("status").asText()).isEqualTo("approved");
            assertThat(second.get("approvals")).extracting(a -> a.get("approver").asText()).containsExactly("bob", "dave");
        }
        // an ordinary low-severity case needs one
        CaseRow plain = newCase("low");
        move(plain.id(), "assign", "{}", token("alice", "reviewer"));
        move(plain.id(), "propose", PROPOSAL, token("alice", "reviewer"));
        assertThat(move(plain.id(), "approve", reason("ok"), token("bob", "approver")).get("status").asText()).isEqualTo("approved");
    }

    @Test
    void reasonsAreRequiredWhereTheTableSays() throws Exception {
        CaseRow c = newCase("low");
        String id = c.id();
        move(id, "assign", "{}", token("alice", "reviewer"));
        for (String body : List.of("{}", "{\"reason\": \"  \"}", "")) {
            JsonNode p = problem(() -> move(id, "dismiss", body, "\"2\"", token("alice", "reviewer")), 422);
            assertThat(p.get("detail").asText()).startsWith("a reason is required to dismiss");
        }
        JsonNode wrongType = problem(() -> move(id, "dismiss", "{\"reason\": 5}", "\"2\"", token("alice", "reviewer")), 422);
        assertThat(wrongType.get("detail").asText()).isEqualTo("\"reason\" must be a string, not number");
        problem(() -> move(id, "propose", PROPOSAL.replace("\"reason\": \"bulk interception of civilians\",", ""),
                "\"2\"", token("alice", "reviewer")), 422);
        move(id, "propose", PROPOSAL, token("alice", "reviewer"));
        problem(() -> move(id, "approve", "{}", "\"3\"", token("bob", "approver")), 422);
        problem(() -> move(id, "reject", "{}", "\"3\"", token("bob", "approver")), 422);
        // nothing changed by any refused move
        JsonNode after = JSON.readTree(get("/v1/cases/" + id, token("a", "auditor")).body());
        assertThat(after.get("version").asLong()).isEqualTo(3);
        assertThat(after.get("history")).hasSize(3);
        assertThat(after.get("approvals")).isEmpty();
    }

    @Test
    void proposalsAndBodiesAreChecked() throws Exception {
        CaseRow c = newCase("low");
        String id = c.id();
        move(id, "assign", "{}", token("alice", "reviewer"));
        String t = token("alice", "reviewer");
        assertThat(problem(() -> move(id, "propose", PROPOSAL.replace("disable-subscription", "delete-everything"), "\"2\"", t), 422)
                .get("detail").asText()).startsWith("actions[0].action 'delete-everything' is not one of");
        assertThat(problem(() -> move(id, "propose", "{\"reason\": \"r\", \"actions\": [], \"scope\": {\"subscriptions\": [\"s\"]}}", "\"2\"", t), 422)
                .get("detail").asText()).startsWith("a proposal needs \"actions\"");
        assertThat(problem(() -> move(id, "propose", "{\"reason\": \"r\", \"actions\": [{\"action\": \"notify\"}]}", "\"2\"", t), 422)
                .get("detail").asText()).startsWith("a proposal needs \"scope\"");
        assertThat(problem(() -> move(id, "dismiss", "{\"reason\": \"r\", \"actor\": \"mallory\"}", "\"2\"", t), 422)
                .get("detail").asText()).contains("the actor is the token's subject");
        assertThat(problem(() -> move(id, "dismiss", "{\"reason\": ", "\"2\"", t), 400)
                .get("detail").asText()).startsWith("malformed JSON");
        assertThat(problem(() -> move(id, "dismiss", "[1]", "\"2\"", t), 422)
                .get("detail").asText()).isEqualTo("the body must be a JSON object, not array");
        // the case clause is the default; this case has one
        JsonNode proposed = move(id, "propose", PROPOSAL.replace("\"clause\": \"AUP-2.1\",", ""), t);
        assertThat(proposed.at("/proposal/clause").asText()).isEqualTo("AUP-4");
        // another reviewer may not work alice's case without taking it over
        CaseRow other = newCase("low");
        move(other.id(), "assign", "{}", token("alice", "reviewer"));
        JsonNode notYours = problem(() -> move(other.id(), "dismiss", reason("mine now"), "\"2\"", token("erin", "reviewer")), 403);
        assertThat(notYours.get("detail").asText()).contains("assigned to alice");
        move(other.id(), "assign", "{}", token("erin", "reviewer"));
        assertThat(move(other.id(), "dismiss", reason("false positive"), token("erin", "reviewer")).get("status").asText())
                .isEqualTo("dismissed");
    }

    @Test
    void illegalMovesNameTheStateAndWhatIsAllowed() throws Exception {
        CaseRow c = newCase("low");
        String id = c.id();
        JsonNode p = problem(() -> move(id, "approve", reason("early"), "\"1\"", token("bob", "approver")), 409);
        assertThat(p.get("type").asText()).isEqualTo("https://writ.dev/problems/illegal-transition");
        assertThat(p.get("detail").asText()).isEqualTo("cannot approve case " + id + ": it is open; allowed from open: assign");
        move(id, "assign", "{}", token("alice", "reviewer"));
        assertThat(problem(() -> move(id, "execute", "{}", "\"2\"", token("bob", "approver")), 409).get("detail").asText())
                .endsWith("it is in_review; allowed from in_review: assign, dismiss, propose");
        move(id, "dismiss", reason("benign"), token("alice", "reviewer"));
        assertThat(problem(() -> move(id, "assign", "{}", "\"3\"", token("alice", "reviewer")), 409).get("detail").asText())
                .endsWith("it is dismissed; allowed from dismissed: none");
        JsonNode unknown = problem(() -> move(id, "obliterate", "{}", "\"3\"", token("alice", "reviewer")), 404);
        assertThat(unknown.get("detail").asText()).startsWith("no transition 'obliterate'; transitions are assign, dismiss, propose");
        problem(() -> move("no-such-case", "assign", "{}", "\"1\"", token("alice", "reviewer")), 404);
    }

    // --- the queue --------------------------------------------------------------------------------------

    @Test
    void filtersSelectAndPagesRunInCreationOrder() throws Exception {
        String t = tenant();
        List<String> rules = List.of("r1", "r2", "r3", "r4", "r5");
        List<String> severities = List.of("low", "medium", "high", "critical", "medium");
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            violations.add(violation(rules.get(i), "review", severities.get(i), "sub-" + i, ""));
        }
        deliver(ctx, decision(t, result("review", violations)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            CaseRow c = only(ctx, t, rules.get(i));
            // distinct creation times, r1 oldest, so the order is known
            backdate(ctx, c.id(), Instant.now().minus(Duration.ofHours(50 - i)));
            ids.add(c.id());
        }
        String auditor = token("a", "auditor");
        move(ids.get(1), "assign", "{}", token("alice", "reviewer"));
        move(ids.get(2), "assign", "{\"assignee\": \"erin\"}", token("alice", "reviewer"));

        assertThat(idsOf("/v1/cases?tenant=" + t, auditor)).containsExactlyElementsOf(ids);
        assertThat(idsOf("/v1/cases?tenant=" + t + "&status=in_review", auditor)).containsExactly(ids.get(1), ids.get(2));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&status=open&severity=medium", auditor)).containsExactly(ids.get(4));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&severity=low,critical", auditor)).containsExactly(ids.get(0), ids.get(3));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&severity=low&severity=high", auditor)).containsExactly(ids.get(0), ids.get(2));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&rule=r4", auditor)).containsExactly(ids.get(3));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&assignee=erin", auditor)).containsExactly(ids.get(2));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&older_than=PT48H30M", auditor)).containsExactly(ids.get(0), ids.get(1));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&newer_than=PT47H30M", auditor)).containsExactly(ids.get(3), ids.get(4));
        assertThat(idsOf("/v1/cases?tenant=" + t + "&older_than=P1D&status=closed", auditor)).isEmpty();

        // pages of two: every case once, in order, and no cursor after the last page
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = JSON.readTree(get("/v1/cases?tenant=" + t + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), auditor).body());
            page.get("cases").forEach(c -> paged.add(c.get("id").asText()));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactlyElementsOf(ids);
    }

    @Test
    void badQueriesAreProblems() throws Exception {
        String auditor = token("a", "auditor");
        assertThat(problem(() -> get("/v1/cases?status=pending", auditor), 400).get("detail").asText())
                .startsWith("unknown status 'pending'; statuses are open, in_review, dismissed");
        assertThat(problem(() -> get("/v1/cases?severity=extreme", auditor), 400).get("detail").asText())
                .isEqualTo("unknown severity 'extreme'; severities are low, medium, high, critical");
        assertThat(problem(() -> get("/v1/cases?older_than=yesterday", auditor), 400).get("detail").asText())
                .isEqualTo("older_than 'yesterday' is not an ISO-8601 duration like PT24H or P7D");
        assertThat(problem(() -> get("/v1/cases?limit=0", auditor), 400).get("detail").asText())
                .isEqualTo("limit must be a whole number from 1 to 200, not '0'");
        problem(() -> get("/v1/cases?limit=201", auditor), 400);
        problem(() -> get("/v1/cases?cursor=bm90LWEtY3Vyc29y", auditor), 400);
        assertThat(problem(() -> get("/v1/cases?sort=desc", auditor), 400).get("detail").asText())
                .startsWith("unknown query parameter 'sort'");
    }

    private List<String> idsOf(String uri, String token) throws Exception {
        JsonNode page = JSON.readTree(get(uri, token).body());
        List<String> out = new ArrayList<>();
        page.get("cases").forEach(c -> out.add(c.get("id").asText()));
        return out;
    }

}
