# AUP-2.1 mass surveillance of civilians, judged from metadata only.
#
# Internal indicators (per subscription): bulk-communications-data, population-scale-civilians,
# population-scale-ai-processing. Context: state-security-actor (tenant segment) and credible-report.
# The verdict is the tenant's; the scope is only the subscriptions that carry internal indicators.
package writ.aup.rules.mass_surveillance

import data.writ.aup.lib
import rego.v1

rule := "mass-surveillance-of-civilians"

clause := "AUP-2.1"

severity := "critical"

t := lib.thresholds.mass_surveillance

comms_categories := {c | some c in lib.lists.communications_categories}

third_party := {r | some r in lib.lists.third_party_relationships}

# --- bulk-communications-data ---------------------------------------------------------------

# Third-party and unknown subjects per subscription, whatever their civilian share: what a warrant
# must cover for the subscription to count as covered.
third_party_subjects := {sub: total |
	rows := [p | some p in input.population; p.relationship in third_party]
	some sub in {r.subscription | some r in rows}
	total := sum([x.distinct_subjects | some x in rows; x.subscription == sub])
}

covered contains sub if {
	some sub, warranted in lib.warrant_subjects
	warranted > 0
	warranted >= object.get(third_party_subjects, sub, 0)
}

bulk_comms_indices contains i if {
	some i, c in input.classifications
	c.category in comms_categories
	c.confidence >= t.classification_confidence
	not c.subscription in covered
}

bulk_comms contains input.classifications[i].subscription if some i in bulk_comms_indices

# --- population-scale-civilians -------------------------------------------------------------

civilian_indices contains i if {
	some i, p in input.population
	p.relationship in third_party
	p.civilian_share >= t.civilian_share
}

# Third-party civilian subjects per subscription after subtracting what valid warrants cover.
civilian_subjects := {sub: n |
	rows := [p | some i in civilian_indices; p := input.population[i]]
	some sub in {r.subscription | some r in rows}
	n := sum([x.distinct_subjects | some x in rows; x.subscription == sub]) - lib.warranted_subjects(sub)
}

population_scale contains sub if {
	some sub, n in civilian_subjects
	n >= t.population_subjects
}

# --- population-scale-ai-processing ---------------------------------------------------------

ai_metrics := [
	{"service": "speech-to-text", "metric": "audio_hours", "unit": "audio hours", "threshold": t.speech_audio_hours},
	{"service": "translation", "metric": "characters", "unit": "characters", "threshold": t.translation_characters},
	{"service": "face", "metric": "identification_calls", "unit": "identification calls", "threshold": t.face_identification_calls},
]

# One entry per subscription and AI service used at population scale.
ai_scale_uses contains use if {
	some m in ai_metrics
	some sub, total in lib.metric_totals(m.service, m.metric)
	total >= m.threshold
	use := object.union(m, {"subscription": sub, "total": total})
}

ai_scale := {u.subscription | some u in ai_scale_uses}

# --- indicators, tenant context, verdict ----------------------------------------------------

internal_indicators := {sub: kinds |
	some sub in (bulk_comms | population_scale) | ai_scale
	kinds := {k |
		some k, subs in {
			"bulk-communications-data": bulk_comms,
			"population-scale-civilians": population_scale,
			"population-scale-ai-processing": ai_scale,
		}
		sub in subs
	}
}

internal_kinds := {k | some _, kinds in internal_indicators; some k in kinds}

credible_reports := lib.reports_with({"mass-surveillance-of-civilians"}, {"high"})

corroborated_reports := [r | some r in credible_reports; r.corroborated == true]

verdict := "enforce" if {
	lib.state_security_actor
	"population-scale-civilians" in internal_kinds
	count(internal_kinds & {"bulk-communications-data", "population-scale-ai-processing"}) > 0
} else := "enforce" if {
	lib.state_security_actor
	count(corroborated_reports) > 0
	count(internal_kinds) > 0
} else := "review" if {
	count(credible_reports) > 0
} else := "review" if {
	count(internal_kinds) >= 2
} else := "review" if {
	lib.state_security_actor
	count(internal_kinds) == 1
} else := "monitor" if {
	count(internal_kinds) == 1
}

reason := "a state security actor holds population-scale civilian data together with bulk communications data or population-scale AI processing" if {
	verdict == "enforce"
	"population-scale-civilians" in internal_kinds
	lib.state_security_actor
	count(internal_kinds & {"bulk-communications-data", "population-scale-ai-processing"}) > 0
} else := "a corroborated high-credibility report meets a state security actor with at least one internal indicator" if {
	verdict == "enforce"
} else := "a high-credibility report alleges mass surveillance, which a person must weigh" if {
	count(credible_reports) > 0
} else := "two or more different internal indicators meet on this tenant" if {
	count(internal_kinds) >= 2
} else := "a state security actor shows an internal indicator" if {
	lib.state_security_actor
} else := "a single internal indicator, on a tenant that is not a state security actor, is watched but not acted on"

indicators := sort([k |
	some k in internal_kinds | {"state-security-actor" | lib.state_security_actor} | {"credible-report" | count(credible_reports) > 0}
])

confidence := lib.confidence(indicators)

scope := sort([sub | some sub, _ in internal_indicators])

# --- actions: narrowest first ---------------------------------------------------------------

holds_data contains sub if {
	some sub in bulk_comms | population_scale
}

holds_data contains sub if {
	some sub, _ in internal_indicators
	object.get(lib.stored_bytes, sub, 0) >= t.holding_stored_bytes
}

actions_set contains {"action": "disable-subscription", "subscription": sub} if {
	lib.ladder[verdict] >= lib.ladder.review
	some sub in holds_data
}

actions_set contains {"action": "deny-service", "subscription": u.subscription, "service": u.service} if {
	lib.ladder[verdict] >= lib.ladder.review
	some u in ai_scale_uses
	not u.subscription in holds_data
}

actions := sort([a | some a in actions_set])

# --- evidence: which dossier entries were used ----------------------------------------------

evidence_set contains {
	"kind": "classification", "subscription": c.subscription, "index": i,
	"detail": sprintf("%s labelled %s with confidence %v (threshold %v)", [lib.text(c, "source"), c.category, c.confidence, t.classification_confidence]),
} if {
	some i in bulk_comms_indices
	c := input.classifications[i]
}

evidence_set contains {
	"kind": "population", "subscription": p.subscription, "index": i,
	"detail": sprintf("%s %s subjects, relationship %s, civilian share %v (%s)", [lib.thousands(p.distinct_subjects), lib.text(p, "subject_kind"), p.relationship, p.civilian_share, lib.text(p, "source")]),
} if {
	some i in civilian_indices
	p := input.population[i]
	p.subscription in population_scale
}

evidence_set contains {
	"kind": "attestation", "subscription": a.subscription, "index": i,
	"detail": sprintf("valid lawful-intercept warrant from %s for %d subjects until %s, which do not cover the subscription's third-party subjects", [lib.text(a, "issuer"), a.scope_subjects, a.valid_until]),
} if {
	some i in lib.valid_warrant_indices
	a := input.attestations[i]
	a.subscription in scope
}

evidence_set contains {
	"kind": "usage", "subscription": u.subscription, "index": i,
	"detail": sprintf("%s %s: %s per 30 days across the subscription (threshold %s)", [u.service, u.metric, lib.thousands(u.total), lib.thousands(u.threshold)]),
} if {
	some u in ai_scale_uses
	some i in lib.metric_indices(u.service, u.metric, u.subscription)
}

evidence_set contains {
	"kind": "usage", "subscription": sub, "index": i,
	"detail": sprintf("storage stored_bytes: %s (%s)", [lib.thousands(input.usage[i].value), lib.bytes(input.usage[i].value)]),
} if {
	some sub in scope
	some i in lib.metric_indices("storage", "stored_bytes", sub)
}

evidence_set contains {
	"kind": "tenant", "id": lib.tenant_id,
	"detail": sprintf("segment %s is a state security actor", [lib.segment]),
} if lib.state_security_actor

evidence_set contains lib.report_evidence(r) if some r in credible_reports

evidence := sort([e | some e in evidence_set])

# --- explanation ----------------------------------------------------------------------------

facts(sub) := array.concat(
	array.concat(
		[sprintf("%s third-party civilian subjects after warrants (threshold %s)", [lib.thousands(civilian_subjects[sub]), lib.thousands(t.population_subjects)]) | sub in population_scale],
		[sprintf("communications data labelled with confidence up to %v (threshold %v)", [max([c.confidence | some i in bulk_comms_indices; c := input.classifications[i]; c.subscription == sub]), t.classification_confidence]) | sub in bulk_comms],
	),
	[sprintf("%s %s per 30 days of %s (threshold %s)", [lib.thousands(u.total), u.unit, u.service, lib.thousands(u.threshold)]) | some u in ai_scale_uses; u.subscription == sub],
)

indicator_sentence := concat("", ["On ", concat("; on ", [sprintf("%s: %s", [sub, concat(", ", facts(sub))]) | some sub in scope]), "."]) if count(scope) > 0
else := "No subscription carries an internal indicator."

context_parts := array.concat(
	[sprintf("The tenant's segment %s makes it a state security actor", [lib.segment]) | lib.state_security_actor],
	[sprintf("%d high-credibility report(s) allege mass surveillance of civilians (%d corroborated)", [count(credible_reports), count(corroborated_reports)]) | count(credible_reports) > 0],
)

context_sentence := lib.sentence(concat("; ", context_parts)) if count(context_parts) > 0
else := ""

explanation := concat(" ", [x | some x in [
	indicator_sentence,
	context_sentence,
	sprintf("Verdict %s: %s.", [verdict, reason]),
]; x != ""])

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": verdict,
	"confidence": confidence,
	"indicators": indicators,
	"evidence": evidence,
	"scope": {"subscriptions": scope},
	"actions": actions,
	"explanation": explanation,
} if {
	lib.ladder[verdict] > lib.ladder.allow
}
