# AUP-2.2 real-time biometric identification in public spaces.
#
# Evidence: face identification usage whose dimensions say it ran in real time on a public space
# (dimensions.setting == "public-space" and dimensions.mode == "real-time"), and reports.
# A valid `biometric-identification-authorisation` attestation on a subscription (a competent
# authority authorised a targeted search) lowers enforce to review: a person checks that it is narrow.
package writ.aup.rules.biometric_public

import data.writ.aup.lib
import rego.v1

rule := "biometric-identification-in-public"

clause := "AUP-2.2"

severity := "critical"

t := lib.thresholds.biometric_public

public_realtime(u) if {
	u.service == "face"
	u.metric == "identification_calls"
	d := object.get(u, "dimensions", {})
	d.setting == "public-space"
	d.mode == "real-time"
}

rows := [r | some r in lib.usage_rows; public_realtime(r.raw)]

# Public real-time identification calls per subscription per 30 days.
totals := {sub: total |
	some sub in {r.subscription | some r in rows}
	total := sum([x.value | some x in rows; x.subscription == sub])
}

at_scale contains sub if {
	some sub, n in totals
	n >= t.public_realtime_identification_calls
}

# Below the threshold only a state security actor's use is watched.
below_scale contains sub if {
	lib.state_security_actor
	some sub, n in totals
	n > 0
	n < t.public_realtime_identification_calls
}

authorisation_indices contains i if {
	some i, a in input.attestations
	lib.valid_attestation(a, "biometric-identification-authorisation")
}

authorised := {input.attestations[i].subscription | some i in authorisation_indices}

credible_reports := lib.reports_with({"biometric-identification-in-public"}, {"high"})

unauthorised_actor_use contains sub if {
	lib.state_security_actor
	some sub in at_scale
	not sub in authorised
}

verdict := "enforce" if {
	count(unauthorised_actor_use) > 0
} else := "review" if {
	count(at_scale) > 0
} else := "review" if {
	count(credible_reports) > 0
} else := "monitor" if {
	count(below_scale) > 0
}

reason := "a state security actor identifies people in real time in public spaces at scale without a valid authorisation" if {
	verdict == "enforce"
} else := "real-time identification in public spaces at scale needs a person to check who does it and under which authorisation" if {
	count(at_scale) > 0
} else := "a high-credibility report alleges real-time biometric identification in public" if {
	count(credible_reports) > 0
} else := "a state security actor's real-time identification in public spaces below the threshold is watched"

indicators := sort([k |
	some k in {"public-realtime-face-identification" | count(at_scale) > 0} | {"public-realtime-face-use-below-threshold" | count(below_scale) > 0; count(at_scale) == 0} | {"state-security-actor" | lib.state_security_actor} | {"authorised-targeted-search" | some sub in at_scale; sub in authorised} | {"credible-report" | count(credible_reports) > 0}
])

scope := sort([sub | some sub in at_scale | below_scale])

actions := sort([{"action": "deny-service", "subscription": sub, "service": "face"} |
	lib.ladder[verdict] >= lib.ladder.review
	some sub in at_scale
])

evidence_set contains lib.usage_evidence(r.index, sprintf("face identification_calls, %s, %s: %s per 30 days (subscription total %s, threshold %s)", [
	r.raw.dimensions.setting, r.raw.dimensions.mode, lib.thousands(r.value), lib.thousands(totals[r.subscription]), lib.thousands(t.public_realtime_identification_calls),
])) if some r in rows

evidence_set contains {
	"kind": "attestation", "subscription": a.subscription, "index": i,
	"detail": sprintf("biometric identification authorisation from %s until %s", [lib.text(a, "issuer"), a.valid_until]),
} if {
	some i in authorisation_indices
	a := input.attestations[i]
	a.subscription in at_scale
}

evidence_set contains {"kind": "tenant", "id": lib.tenant_id, "detail": sprintf("segment %s is a state security actor", [lib.segment])} if {
	lib.state_security_actor
	count(scope) > 0
}

evidence_set contains lib.report_evidence(r) if some r in credible_reports

usage_sentence := lib.sentence(concat("; ", [sprintf("%s ran %s real-time face identification calls in public spaces per 30 days (threshold %s)", [sub, lib.thousands(totals[sub]), lib.thousands(t.public_realtime_identification_calls)]) | some sub in scope])) if count(scope) > 0
else := sprintf("%d high-credibility report(s) allege real-time biometric identification in public; no usage shows it.", [count(credible_reports)])

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": verdict,
	"confidence": lib.confidence(indicators),
	"indicators": indicators,
	"evidence": sort([e | some e in evidence_set]),
	"scope": {"subscriptions": scope},
	"actions": actions,
	"explanation": concat(" ", [usage_sentence, sprintf("Tenant segment %s. Verdict %s: %s.", [lib.segment, verdict, reason])]),
} if {
	lib.ladder[verdict] > lib.ladder.allow
}
