# AUP-1.1 child sexual abuse material.
#
# Evidence: `csam-hash-match` classifications (a match of stored files' hashes against a hash list,
# computed by the provider's scanning pipeline; the policy never sees content). A match at or above
# the confidence threshold is enforced at once: no notice period (notice "none", so the uploader is
# not warned) and the violation is flagged for mandatory reporting. A weaker match, or a report, is
# reviewed by a person, still without notice.
package writ.aup.rules.csam

import data.writ.aup.lib
import rego.v1

rule := "child-sexual-abuse-material"

clause := "AUP-1.1"

severity := "critical"

t := lib.thresholds.csam

match_indices contains i if {
	some i, c in input.classifications
	c.category == "csam-hash-match"
}

strong := {i | some i in match_indices; input.classifications[i].confidence >= t.hash_match_confidence}

reports := lib.reports_with({"csam"}, {"medium", "high"})

verdict := "enforce" if count(strong) > 0
else := "review" if count(match_indices) > 0
else := "review" if count(reports) > 0

indicators := sort([k |
	some k in {"csam-hash-match" | count(strong) > 0} | {"csam-hash-match-below-threshold" | count(match_indices) > count(strong)} | {"credible-report" | count(reports) > 0}
])

scope := sort({input.classifications[i].subscription | some i in match_indices})

evidence_set contains lib.classification_evidence(i, t.hash_match_confidence) if some i in match_indices

evidence_set contains lib.report_evidence(r) if some r in reports

# Confidence is that of the strongest hash match; a report alone is a lead, not a finding.
confidence := max([input.classifications[i].confidence | some i in match_indices]) if count(match_indices) > 0
else := 0.5

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": verdict,
	"confidence": confidence,
	"indicators": indicators,
	"evidence": sort([e | some e in evidence_set]),
	"scope": {"subscriptions": scope},
	"actions": [{"action": "disable-subscription", "subscription": sub} | some sub in scope],
	"notice": "none",
	"mandatory_reporting": true,
	"reporting_authority": data.writ.csam.reporting_authority,
	"explanation": sprintf("%d CSAM hash match(es) on %s, %d at or above confidence %v; %d CSAM report(s) of medium or high credibility. Verdict %s without notice; the case must be reported to %s.", [
		count(match_indices), concat(", ", scope), count(strong), t.hash_match_confidence, count(reports), verdict, data.writ.csam.reporting_authority,
	]),
} if {
	lib.ladder[verdict] > lib.ladder.allow
}
