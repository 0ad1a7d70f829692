package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;
import io.writ.rego.value.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Notices come from a template whose placeholders are filled from the case; a bad template stops the start. */
class NoticesTest {
    static final EnforcementSettings SETTINGS = new EnforcementSettings(Duration.ofDays(3), List.of(), false, "", 20, 5,
            Duration.ofSeconds(10), Duration.ofMinutes(15), 8, Duration.ofDays(30), Duration.ofSeconds(5), true,
            "appeals@cloud.example");

    @TempDir
    Path dir;

    private static ObjectNode notice(Notices n, Duration period) {
        CaseRecord r = FactsTest.record("""
                {"rule": "mass-surveillance", "clause": "AUP-2.1", "explanation": "2.3 million phone numbers of civilians"}""");
        CaseRow.Proposal p = new CaseRow.Proposal(Json.parse("[{\"action\": \"disable-subscription\", \"subscription\": \"sub-a\"}]"),
                Json.parse("{\"subscriptions\": [\"sub-a\"]}"), "AUP-2.1", "why", "alice", Instant.now());
        Instant at = Instant.parse("2026-12-01T00:00:00Z");
        return n.notice(r, p, Facts.of(r, Optional.empty()), period, at.plus(period), at);
    }

    @Test
    void theBundledTemplateSaysClauseFactsScopeDurationAndAppeal() {
        String text = notice(new Notices("", SETTINGS), Duration.ofDays(3)).get("text").asText();
        assertThat(text).contains("clause AUP-2.1", "- 2.3 million phone numbers of civilians",
                "disable-subscription on subscription sub-a", "{\"subscriptions\":[\"sub-a\"]}", "lifted on appeal",
                "takes effect on 2026-12-04T00:00:00Z (notice period PT72H)", "appeals@cloud.example", "case c-1")
                .doesNotContain("${");
        assertThat(notice(new Notices("", SETTINGS), Duration.ZERO).get("text").asText()).contains("takes effect at once");
    }

    @Test
    void anOperatorsTemplateIsFilledAndAnUnknownPlaceholderIsRefused() throws Exception {
        Path t = Files.writeString(dir.resolve("notice.txt"), "To ${tenant}: ${clause} broken; ${effective} ${appeal}");
        ObjectNode n = notice(new Notices(t.toString(), SETTINGS), Duration.ZERO);
        assertThat(n.get("text").asText()).startsWith("To t-1: AUP-2.1 broken; The restriction takes effect at once")
                .endsWith("every change is reverted.");
        Path bad = Files.writeString(dir.resolve("bad.txt"), "Dear ${customer}");
        assertThatThrownBy(() -> new Notices(bad.toString(), SETTINGS)).hasMessageContaining("unknown placeholder ${customer}");
        assertThatThrownBy(() -> new Notices(dir.resolve("none.txt").toString(), SETTINGS)).hasMessageContaining("cannot read");
    }
}
