package writ.aup.rules.spam_test

import data.writ.aup.rules.spam as sp
import data.writ.aup.testing as fx
import rego.v1

t := data.writ.thresholds.spam

mail(sub, n) := fx.usage(sub, "email", "messages_sent", n)

the_violation(d) := v if {
	vs := sp.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := sp.violations with input as d
	count(vs) == 0
}

test_bulk_mail_at_threshold_with_high_report_is_enforced if {
	v := the_violation(fx.dossier({"usage": [mail("sub-a", t.outbound_messages)], "reports": [fx.report("r", "spam", "high", false)]}))
	v.verdict == "enforce"
	v.actions == [{"action": "deny-service", "subscription": "sub-a", "service": "email"}]
}

test_mail_just_below_threshold_with_high_report_is_only_the_report if {
	v := the_violation(fx.dossier({"usage": [mail("sub-a", t.outbound_messages - 1)], "reports": [fx.report("r", "spam", "high", false)]}))
	v.verdict == "review"
	v.scope.subscriptions == []
}

test_bulk_mail_alone_is_monitored if {
	v := the_violation(fx.dossier({"usage": [mail("sub-a", 40000000)]}))
	v.verdict == "monitor"
	v.actions == []
}

test_bulk_mail_with_medium_report_is_reviewed if {
	v := the_violation(fx.dossier({"usage": [mail("sub-a", 40000000)], "reports": [fx.report("r", "phishing", "medium", false)]}))
	v.verdict == "review"
}

test_phishing_label_at_and_below_confidence if {
	v := the_violation(fx.dossier({"classifications": [fx.classification("sub-b", "phishing-site", t.phishing_confidence)]}))
	v.verdict == "review"
	v.scope.subscriptions == ["sub-b"]
	no_violation(fx.dossier({"classifications": [fx.classification("sub-b", "phishing-site", t.phishing_confidence - 0.01)]}))
}

test_phishing_label_with_report_is_enforced if {
	v := the_violation(fx.dossier({
		"classifications": [object.union(fx.classification("sub-b", "phishing-site", 0.97), {"resource": "site/login-bank"})],
		"reports": [fx.report("r", "phishing", "medium", false)],
	}))
	v.verdict == "enforce"
	v.actions == [{"action": "isolate-resource", "subscription": "sub-b", "resource": "site/login-bank"}]
}

test_low_credibility_report_and_small_mail_is_nothing if {
	no_violation(fx.dossier({"usage": [mail("sub-a", 20000)], "reports": [fx.report("r", "spam", "low", false)]}))
}

test_explanation_names_volume_and_threshold if {
	v := the_violation(fx.dossier({"usage": [mail("sub-a", 40000000)]}))
	contains(v.explanation, "sub-a sent 40,000,000 messages per 30 days (threshold 1,000,000)")
}
