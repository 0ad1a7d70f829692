package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.writ.engine.enforcement.Harness.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notice period with the real acceptable-use policy: an approved case waits for it and then starts by itself;
 * a CSAM case (the policy's {@code "notice": "none"}) starts at approval. The statement of reasons never names a
 * reporter, even where the evidence quotes one.
 */
class EnforcementNoticeTest {
    static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start(Map.of("writ.policy.bundle", "classpath:writ-bundle", "writ.enforcement.notice-period", "PT3S"));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void anApprovedCaseWaitsForTheNoticePeriodThenTheServiceExecutesIt() {
        String t = "tnt-notice";
        String id = h.signals(t, """
                [{"type": "tenant", "tenant_id": "tnt-notice", "name": "Example Ministry", "segment": "government-intelligence", "country": "XX"},
                 {"type": "subscription", "tenant_id": "tnt-notice", "id": "ntc-a", "provider": "fake", "state": "active", "services": ["storage", "speech-to-text"]},
                 {"type": "classification", "tenant_id": "tnt-notice", "subscription": "ntc-a", "category": "intercepted-communications", "confidence": 0.9, "source": "metadata-classifier"},
                 {"type": "population", "tenant_id": "tnt-notice", "subscription": "ntc-a", "distinct_subjects": 2300000, "subject_kind": "phone-number", "relationship": "third-party", "civilian_share": 0.97, "source": "estimate"},
                 {"type": "report", "tenant_id": "tnt-notice", "id": "rep-1", "kind": "press", "source": "Rita Reporter's newsletter",
                  "allegation": "mass-surveillance-of-civilians", "credibility": "high", "corroborated": true,
                  "reporter": {"name": "Rita Reporter", "contact": "rita@example.org"}}]""");
        JsonNode approved = h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"ntc-a\"}]",
                "{\"subscriptions\": [\"ntc-a\"]}");
        Instant after = Instant.parse(approved.at("/enforcement/execute_after").asText());
        assertThat(approved.at("/enforcement/notice/notice_period").asText()).isEqualTo("PT3S");
        assertThat(approved.at("/enforcement/notice/text").asText()).contains("takes effect on " + after);
        assertThat(h.fake().state().applyCalls).doesNotContainKey("subscription/ntc-a");

        JsonNode enforced = h.awaitStatus(id, "enforced");
        assertThat(Instant.now()).isAfter(after);
        assertThat(enforced.at("/enforcement/started_by").asText()).isEqualTo("writ");
        List<String> moves = new ArrayList<>();
        enforced.get("history").forEach(x -> moves.add(x.get("event").asText() + ":" + x.get("actor").asText() + ":"
                + x.path("reason").asText()));
        assertThat(moves).contains("execute:writ:the notice period ended");
        assertThat(h.fake().state().changes.get("subscription/ntc-a")).isEqualTo(1);

        // the case record may name the reporter; the notice and the statement never do
        assertThat(h.caseView(id).toString()).contains("Rita Reporter");
        assertThat(enforced.at("/enforcement/notice").toString()).doesNotContain("Rita", "rita@");
        String statement = h.get("/v1/cases/" + id + "/statement", token("a", "auditor")).toString();
        assertThat(statement).contains("mass-surveillance-of-civilians", "[masked]").doesNotContain("Rita", "rita@");
    }

    @Test
    void aCsamCaseHasNoNoticePeriodAndStartsAtApproval() {
        String id = h.signals("tnt-csam", """
                [{"type": "tenant", "tenant_id": "tnt-csam", "segment": "consumer", "country": "US"},
                 {"type": "subscription", "tenant_id": "tnt-csam", "id": "csam-photos", "provider": "fake", "state": "active", "services": ["storage"]},
                 {"type": "classification", "tenant_id": "tnt-csam", "subscription": "csam-photos", "category": "csam-hash-match", "confidence": 1.0, "source": "hash-matching-service"}]""");
        assertThat(h.caseView(id).get("rule").asText()).isEqualTo("child-sexual-abuse-material");
        long start = System.nanoTime();
        JsonNode approved = h.approve(id, "[{\"action\": \"disable-subscription\", \"subscription\": \"csam-photos\"}]",
                "{\"subscriptions\": [\"csam-photos\"]}");
        assertThat(approved.at("/enforcement/notice/notice_period").asText()).isEqualTo("PT0S");
        assertThat(approved.at("/enforcement/notice/text").asText()).contains("takes effect at once");
        JsonNode enforced = h.awaitStatus(id, "enforced");
        // well inside the configured 3 s notice period
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(enforced.at("/enforcement/started_by").asText()).isEqualTo("writ");
        assertThat(h.fake().state().changes.get("subscription/csam-photos")).isEqualTo(1);
    }
}
