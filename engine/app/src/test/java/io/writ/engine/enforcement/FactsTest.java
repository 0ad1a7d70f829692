package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;
import io.writ.engine.cases.CaseStatus;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a case's evidence may leave it: never a reporter, whether as a member or quoted in a sentence. */
class FactsTest {
    static CaseRecord record(String violationJson) {
        Instant now = Instant.now();
        CaseRow row = new CaseRow("c-1", "t-1", null, "mass-surveillance", "AUP-2.1", "critical", "enforce",
                CaseStatus.APPROVED, "alice", 5, true, null, 1, null, now, now);
        CaseRecord.Evidence e = new CaseRecord.Evidence("d-1", 3, "rev", now, "enforce", "critical", Json.parse(violationJson), now);
        // the same violation decided twice reads once
        CaseRecord.Evidence again = new CaseRecord.Evidence("d-2", 4, "rev", now, "enforce", "critical", Json.parse(violationJson), now);
        return new CaseRecord(row, List.of(e, again), List.of(), List.of());
    }

    @Test
    void reportersAreRemovedAndMaskedAndRepeatedViolationsReadOnce() {
        CaseRecord r = record("""
                {"rule": "mass-surveillance", "clause": "AUP-2.1", "explanation": "reported by Jane Roe of the Daily",
                 "evidence": [{"kind": "report", "reports": [{"id": "rep-1", "reporter": {"name": "Jane Roe", "contact": "jr@x.org"}}]}]}""");
        ObjectValue dossier = (ObjectValue) Json.parse("""
                {"reports": [{"id": "rep-1", "reporter": {"name": "Jane Roe", "contact": "jr@x.org"}}]}""");
        ArrayNode facts = Facts.of(r, Optional.of(dossier));
        assertThat(facts).hasSize(1);
        String text = facts.toString();
        assertThat(text).doesNotContain("Jane", "jr@x.org", "reporter").contains("rep-1", "[masked] of the Daily");
        assertThat(Facts.sources(facts)).containsExactly("report");
        // without the dossier the reporter member still goes
        assertThat(Facts.of(r, Optional.empty()).toString()).doesNotContain("jr@x.org", "\"reporter\"");
    }
}
