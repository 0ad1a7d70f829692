package io.writ.engine.tenants;

import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reporters stay out of responses and log lines. */
class ReporterMaskTest {
    static final ObjectValue DOSSIER = (ObjectValue) Json.parse("""
            {"tenant": {"id": "t"},
             "reports": [{"id": "r1", "reporter": {"name": "Jane Roe", "contact": "jane@example.org"}},
                         {"id": "r2", "allegation": "spam"}]}""");

    @Test
    void responsesShowThatAReporterExistsButNotWho() {
        assertThat(ReporterMask.mask(DOSSIER).toJsonString()).isEqualTo("{\"reports\":[{\"id\":\"r1\",\"reporter\":\"[masked]\"},"
                + "{\"allegation\":\"spam\",\"id\":\"r2\"}],\"tenant\":{\"id\":\"t\"}}");
    }

    @Test
    void messagesQuotingAReporterAreScrubbed() {
        assertThat(ReporterMask.scrub("eval_type_error: expected number, got \"Jane Roe\" (jane@example.org) in r1", DOSSIER))
                .isEqualTo("eval_type_error: expected number, got \"[masked]\" ([masked]) in r1");
        assertThat(ReporterMask.scrub("nothing to hide", DOSSIER)).isEqualTo("nothing to hide");
        assertThat(ReporterMask.scrub("x", (ObjectValue) Json.parse("{}"))).isEqualTo("x");
    }

    @Test
    void decisionsQuotingAReporterAreScrubbedEverywhere() {
        var decision = Json.parse("""
                {"verdict": "review", "violations": [{"explanation": "reported by Jane Roe", "evidence": [{"jane@example.org": 1}]}]}""");
        assertThat(ReporterMask.scrub(decision, DOSSIER).toJsonString()).isEqualTo("{\"verdict\":\"review\",\"violations\":"
                + "[{\"evidence\":[{\"[masked]\":1}],\"explanation\":\"reported by [masked]\"}]}");
    }
}
