# AUP-3.3 spam and phishing.
#
# Evidence: outbound mail volume per subscription per 30 days (usage service `email`, metric
# `messages_sent`), phishing-site labels (classification `phishing-site`) and reports alleging
# phishing or spam. Volume alone is a legitimate bulk mailer until a report says otherwise.
package writ.aup.rules.spam

import data.writ.aup.lib
import rego.v1

rule := "spam-and-phishing"

clause := "AUP-3.3"

severity := "medium"

t := lib.thresholds.spam

allegations := {a | some a in lib.lists.spam_allegations}

mail := lib.metric_totals("email", "messages_sent")

volume_subs contains sub if {
	some sub, n in mail
	n >= t.outbound_messages
}

phishing_indices contains i if {
	some i, c in input.classifications
	c.category == "phishing-site"
	c.confidence >= t.phishing_confidence
}

phishing_subs := {input.classifications[i].subscription | some i in phishing_indices}

high_reports := lib.reports_with(allegations, {"high"})

medium_reports := lib.reports_with(allegations, {"medium"})

reports := array.concat(high_reports, medium_reports)

verdict := "enforce" if {
	count(volume_subs) > 0
	count(high_reports) > 0
} else := "enforce" if {
	count(phishing_subs) > 0
	count(reports) > 0
} else := "review" if {
	count(volume_subs) > 0
	count(medium_reports) > 0
} else := "review" if {
	count(phishing_subs) > 0
} else := "review" if {
	count(high_reports) > 0
} else := "monitor" if {
	count(volume_subs) > 0
} else := "monitor" if {
	count(medium_reports) > 0
}

reason := "bulk outbound mail or a phishing site meets a credible report" if verdict == "enforce"
else := "a person must weigh the report, the volume or the phishing label" if verdict == "review"
else := "bulk mail alone, or a medium-credibility report alone, is watched"

indicators := sort([k |
	some k in {"bulk-outbound-mail" | count(volume_subs) > 0} | {"phishing-site" | count(phishing_subs) > 0} | {"credible-report" | count(reports) > 0}
])

scope := sort([sub | some sub in volume_subs | phishing_subs])

actions_set contains {"action": "deny-service", "subscription": sub, "service": "email"} if {
	lib.ladder[verdict] >= lib.ladder.review
	some sub in volume_subs
}

actions_set contains lib.resource_action(input.classifications[i]) if {
	lib.ladder[verdict] >= lib.ladder.review
	some i in phishing_indices
}

evidence_set contains lib.usage_evidence(r.index, sprintf("email messages_sent: %s per 30 days", [lib.thousands(r.value)])) if {
	some r in lib.usage_rows
	r.service == "email"
	r.metric == "messages_sent"
	r.subscription in volume_subs
}

evidence_set contains lib.classification_evidence(i, t.phishing_confidence) if some i in phishing_indices

evidence_set contains lib.report_evidence(r) if some r in reports

figures := array.concat(
	[sprintf("%s sent %s messages per 30 days (threshold %s)", [sub, lib.thousands(mail[sub]), lib.thousands(t.outbound_messages)]) | some sub in volume_subs],
	[sprintf("%s hosts a phishing site labelled with confidence up to %v (threshold %v)", [sub, max([c.confidence | some i in phishing_indices; c := input.classifications[i]; c.subscription == sub]), t.phishing_confidence]) | some sub in phishing_subs],
)

figures_sentence := lib.sentence(concat("; ", figures)) if count(figures) > 0
else := sprintf("No subscription sends %s messages per 30 days or hosts a labelled phishing site.", [lib.thousands(t.outbound_messages)])

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": verdict,
	"confidence": lib.confidence(indicators),
	"indicators": indicators,
	"evidence": sort([e | some e in evidence_set]),
	"scope": {"subscriptions": scope},
	"actions": sort([a | some a in actions_set]),
	"explanation": concat(" ", [
		figures_sentence,
		sprintf("%d high- and %d medium-credibility spam/phishing report(s). Verdict %s: %s.", [count(high_reports), count(medium_reports), verdict, reason]),
	]),
} if {
	lib.ladder[verdict] > lib.ladder.allow
}
