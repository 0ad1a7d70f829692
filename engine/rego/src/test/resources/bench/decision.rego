# A benchmark policy shaped like Writ's acceptable-use decision: about fifty rules over a tenant
# dossier (usage normalised to 30 days, classifier labels, population estimates, reports, warrants).
package bench.aup

import rego.v1

thresholds := {
	"confidence": 0.7,
	"subjects": 100000,
	"civilian_share": 0.5,
	"audio_hours": 10000,
	"characters": 1000000000,
	"identification_calls": 1000000,
	"stored_bytes": 1e15,
}

comms_categories := {"intercepted-communications", "call-records", "call-audio", "messaging-content"}

security_segments := {"government-defense", "government-intelligence", "law-enforcement"}

third_party := {"third-party", "unknown"}

day_ns := 86400000000000

now_ns := time.parse_rfc3339_ns("2025-09-01T00:00:00Z")

period_days(u) := (time.parse_rfc3339_ns(u.period.end) - time.parse_rfc3339_ns(u.period.start)) / day_ns

monthly(u) := u.value * 30 / period_days(u)

subscription_ids contains s.id if some s in input.subscriptions

active_subscriptions contains s.id if {
	some s in input.subscriptions
	s.state == "active"
}

valid_warrants contains w if {
	some w in input.attestations
	w.kind == "lawful-intercept-warrant"
	time.parse_rfc3339_ns(w.valid_until) > now_ns
}

warrant_subjects[sub] := total if {
	some sub in subscription_ids
	total := sum([w.scope_subjects | some w in valid_warrants; w.subscription == sub])
}

third_party_subjects[sub] := total if {
	some sub in subscription_ids
	total := sum([p.distinct_subjects | some p in input.population; p.subscription == sub; p.relationship in third_party])
}

covered contains sub if {
	some sub in subscription_ids
	warrant_subjects[sub] > 0
	warrant_subjects[sub] >= third_party_subjects[sub]
}

bulk_comms contains sub if {
	some c in input.classifications
	c.category in comms_categories
	c.confidence >= thresholds.confidence
	sub := c.subscription
	not covered[sub]
}

civilian_population[sub] := n if {
	some sub in subscription_ids
	n := sum([p.distinct_subjects |
		some p in input.population
		p.subscription == sub
		p.relationship in third_party
		p.civilian_share >= thresholds.civilian_share
	]) - warrant_subjects[sub]
}

population_scale contains sub if {
	some sub, n in civilian_population
	n >= thresholds.subjects
}

# one pass over the usage records, then one small pass per metric: per-subscription totals per 30 days
monthly_usage := [{"subscription": u.subscription, "service": u.service, "metric": u.metric, "value": monthly(u)} |
	some u in input.usage
]

metric_totals(service, metric) := {sub: total |
	records := [m | some m in monthly_usage; m.service == service; m.metric == metric]
	some r in records
	sub := r.subscription
	total := sum([x.value | some x in records; x.subscription == sub])
}

speech_hours := metric_totals("speech-to-text", "audio_hours")

translated_characters := metric_totals("translation", "characters")

face_calls := metric_totals("face", "identification_calls")

stored_bytes := metric_totals("storage", "stored_bytes")

ai_speech contains sub if {
	some sub, hours in speech_hours
	hours >= thresholds.audio_hours
}

ai_translation contains sub if {
	some sub, chars in translated_characters
	chars >= thresholds.characters
}

ai_face contains sub if {
	some sub, calls in face_calls
	calls >= thresholds.identification_calls
}

ai_scale := (ai_speech | ai_translation) | ai_face

bulk_storage contains sub if {
	some sub, bytes in stored_bytes
	bytes >= thresholds.stored_bytes
}

state_actor if input.tenant.segment in security_segments

credible_reports contains r.id if {
	some r in input.reports
	r.allegation == "mass-surveillance-of-civilians"
	r.credibility == "high"
}

corroborated_reports contains r.id if {
	some r in input.reports
	r.id in credible_reports
	r.corroborated == true
}

internal_indicators[sub] := ind if {
	some sub in subscription_ids
	ind := {name |
		some name, set in {
			"bulk-communications-data": bulk_comms,
			"population-scale-civilians": population_scale,
			"population-scale-ai-processing": ai_scale,
		}
		sub in set
	}
	count(ind) > 0
}

enforce_subs contains sub if {
	state_actor
	some sub in population_scale
	sub in (bulk_comms | ai_scale)
}

enforce_subs contains sub if {
	state_actor
	count(corroborated_reports) > 0
	some sub, _ in internal_indicators
}

review_subs contains sub if {
	some sub, ind in internal_indicators
	count(ind) >= 2
	not enforce_subs[sub]
}

review_subs contains sub if {
	count(credible_reports) > 0
	not state_actor
	some sub, _ in internal_indicators
}

monitor_subs contains sub if {
	some sub, ind in internal_indicators
	count(ind) == 1
	not enforce_subs[sub]
	not review_subs[sub]
}

verdict := "enforce" if count(enforce_subs) > 0
else := "review" if count(review_subs) > 0
else := "monitor" if count(monitor_subs) > 0
else := "allow"

evidence contains e if {
	some c in input.classifications
	c.subscription in bulk_comms
	e := {"kind": "classification", "subscription": c.subscription,
		"detail": sprintf("%s labelled %s with confidence %.2f", [c.source, c.category, c.confidence])}
}

evidence contains e if {
	some sub in population_scale
	e := {"kind": "population", "subscription": sub,
		"detail": sprintf("%d third-party civilian subjects", [civilian_population[sub]])}
}

evidence contains e if {
	some sub in ai_scale
	e := {"kind": "usage", "subscription": sub,
		"detail": sprintf("speech %.0f h, translation %.0f chars, face %.0f calls per 30 days", [
			object.get(speech_hours, sub, 0),
			object.get(translated_characters, sub, 0),
			object.get(face_calls, sub, 0),
		])}
}

evidence contains e if {
	some r in input.reports
	r.id in credible_reports
	e := {"kind": "report", "subscription": "", "detail": sprintf("%s report %s (%s credibility)", [r.kind, r.id, r.credibility])}
}

scope := sort([sub | some sub in enforce_subs | review_subs | monitor_subs])

actions contains {"action": "disable-subscription", "subscription": sub} if some sub in enforce_subs

actions contains {"action": "notify", "subscription": sub} if some sub in review_subs

indicators := sort(array.concat(
	[name | some name in {n | some _, ind in internal_indicators; some n in ind}],
	[n | state_actor; n := "state-security-actor"],
))

explanation := concat(" ", [
	sprintf("Tenant %s (%s) has %d subscription(s) with indicators of mass surveillance of civilians.", [input.tenant.id, input.tenant.segment, count(internal_indicators)]),
	sprintf("Verdict %s on %s.", [verdict, concat(", ", scope)]),
])

confidence := min([1, 0.5 + 0.1 * count(indicators)])

violation := {
	"rule": "mass-surveillance-of-civilians",
	"clause": "AUP-2.1",
	"severity": "critical",
	"verdict": verdict,
	"confidence": confidence,
	"indicators": indicators,
	"evidence": evidence,
	"scope": {"subscriptions": scope},
	"actions": actions,
	"explanation": explanation,
} if verdict != "allow"

# further clauses, each small, as a provider's catalogue has
crypto_mining contains sub if {
	some u in input.usage
	u.service == "gpu"
	monthly(u) > 50000
	some c in input.classifications
	c.subscription == u.subscription
	c.category == "cryptomining"
	sub := u.subscription
}

spam contains sub if {
	some u in input.usage
	u.service == "email"
	u.metric == "messages"
	monthly(u) > 10000000
	sub := u.subscription
}

malware_reports contains r.id if {
	some r in input.reports
	r.allegation in {"malware", "botnet", "phishing"}
	r.credibility in {"medium", "high"}
}

sanctioned if input.tenant.country in {"XS", "XT"}

other_violations contains {"rule": "cryptomining", "subscriptions": crypto_mining} if count(crypto_mining) > 0

other_violations contains {"rule": "spam", "subscriptions": spam} if count(spam) > 0

other_violations contains {"rule": "malware", "reports": malware_reports} if count(malware_reports) > 0

other_violations contains {"rule": "sanctions"} if sanctioned

ladder := {"allow": 0, "monitor": 1, "review": 2, "enforce": 3}

decision := {
	"verdict": verdict,
	"violations": [v | v := violation] ,
	"other": other_violations,
	"requires_approval": ladder[verdict] >= 2,
}
