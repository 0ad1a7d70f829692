# Shared helpers for the acceptable-use rules: 30-day normalisation of usage, per-subscription
# totals computed in one pass per metric, lawful-intercept warrants, and the tenant's segment.
# Everything here reads metadata only (usage figures, labels, estimates, reports, attestations).
package writ.aup.lib

import rego.v1

thresholds := data.writ.thresholds

lists := data.writ.lists

day_ns := 86400000000000

# Counters (hours, characters, calls, messages, ...) are scaled to 30 days from their period.
# A record without a period, or with an empty one, is taken as already covering 30 days.
monthly(u) := v if {
	span := time.parse_rfc3339_ns(u.period.end) - time.parse_rfc3339_ns(u.period.start)
	span > 0
	v := (u.value * 30) * day_ns / span
} else := u.value

# Every usage record once, with its position in input.usage and its 30-day value.
usage_rows := [{"index": i, "subscription": u.subscription, "service": u.service, "metric": u.metric, "value": monthly(u), "raw": u} |
	some i, u in input.usage
]

# Per-subscription 30-day totals of one service's metric: one pass to pick the records, then one sum
# per subscription over the picked records only.
metric_totals(service, metric) := {sub: total |
	rows := [r | some r in usage_rows; r.service == service; r.metric == metric]
	some sub in {r.subscription | some r in rows}
	total := sum([x.value | some x in rows; x.subscription == sub])
}

# Positions in input.usage of one service's metric on one subscription (for evidence).
metric_indices(service, metric, sub) := [r.index |
	some r in usage_rows
	r.service == service
	r.metric == metric
	r.subscription == sub
]

# Stored bytes are a level, not a counter: the largest reported level per subscription, unscaled.
stored_bytes := {sub: level |
	rows := [u | some u in input.usage; u.service == "storage"; u.metric == "stored_bytes"]
	some sub in {r.subscription | some r in rows}
	level := max([x.value | some x in rows; x.subscription == sub])
}

subscription_ids contains s.id if some s in input.subscriptions

segment := object.get(object.get(input, "tenant", {}), "segment", "")

state_security_actor if segment in {s | some s in lists.state_security_segments}

# A warrant is valid while its valid_until lies in the future.
valid_attestation(a, kind) if {
	a.kind == kind
	time.parse_rfc3339_ns(a.valid_until) > time.now_ns()
}

valid_warrant_indices contains i if {
	some i, a in input.attestations
	valid_attestation(a, "lawful-intercept-warrant")
}

warrant_subjects := {sub: total |
	warrants := [a | some i in valid_warrant_indices; a := input.attestations[i]]
	some sub in {w.subscription | some w in warrants}
	total := sum([x.scope_subjects | some x in warrants; x.subscription == sub])
}

warranted_subjects(sub) := object.get(warrant_subjects, sub, 0)

# Reports that make an allegation with a given credibility.
reports_with(allegations, credibilities) := [r |
	some r in input.reports
	r.allegation in allegations
	r.credibility in credibilities
]

# Optional descriptive fields fall back to "unspecified" so that a sparse entry is never dropped
# from the evidence. The reporter is never copied.
report_evidence(r) := {
	"kind": "report",
	"id": object.get(r, "id", "unspecified"),
	"detail": sprintf("%s report %s from %s alleging %s, %s credibility, %s", [
		text(r, "kind"), text(r, "id"), text(r, "source"), r.allegation, r.credibility,
		corroboration(r),
	]),
}

text(entry, field) := object.get(entry, field, "unspecified")

corroboration(r) := "corroborated" if r.corroborated == true
else := "not corroborated"

ladder := {"allow": 0, "monitor": 1, "review": 2, "enforce": 3}


# 2300000 -> "2,300,000" (rounded to a whole number) so explanations read easily.
thousands(x) := concat("", [sign(x), grouped]) if {
	digits := format_int(abs(round(x)), 10)
	grouped := strings.reverse(concat(",", regex.find_n(`[0-9]{1,3}`, strings.reverse(digits), -1)))
}

sign(x) := "-" if round(x) < 0
else := ""

# Bytes in the largest decimal unit that keeps a number of at least 1, one decimal.
bytes(b) := sprintf("%v %s", [round(b / u.size * 10) / 10, u.name]) if {
	units := [{"size": 1e15, "name": "PB"}, {"size": 1e12, "name": "TB"}, {"size": 1e9, "name": "GB"}, {"size": 1}]
	u := [x | some x in units; b >= x.size][0]
	u.name
} else := sprintf("%v bytes", [b])

# Closes a sentence with a full stop (subscription ids keep their case, so nothing is capitalised).
sentence(s) := concat("", [s, "."])

verdict_of(level) := name if {
	some name
	ladder[name] == level
}

# Confidence of a violation from how many independent indicators support it: 0.5 for one,
# 0.1 more for each further one, never above 0.95 (metadata alone never makes certainty).
confidence(indicators) := min([0.95, 0.4 + 0.1 * count(indicators)])

# Action for a labelled finding: isolate the resource when the label names one, else the subscription.
resource_action(c) := {"action": "isolate-resource", "subscription": c.subscription, "resource": c.resource} if is_string(c.resource)
else := {"action": "disable-subscription", "subscription": c.subscription}

classification_evidence(i, threshold) := {
	"kind": "classification", "subscription": c.subscription, "index": i,
	"detail": sprintf("%s labelled %s%s with confidence %v (threshold %v)", [text(c, "source"), c.category, resource_suffix(c), c.confidence, threshold]),
} if c := input.classifications[i]

resource_suffix(c) := sprintf(" on %s", [c.resource]) if is_string(c.resource)
else := ""

usage_evidence(i, detail) := {"kind": "usage", "subscription": input.usage[i].subscription, "index": i, "detail": detail}

tenant_id := object.get(object.get(input, "tenant", {}), "id", "")
