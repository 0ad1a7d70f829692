package writ.aup.decision_test

import data.writ.aup
import data.writ.aup.testing as fx
import rego.v1

test_no_violation_is_allow if {
	d := aup.decision with input as fx.dossier({})
	d == {"verdict": "allow", "violations": [], "requires_approval": false, "notice": "standard"}
}

test_decision_verdict_is_the_highest_violation_verdict if {
	d := aup.decision with input as fx.dossier({
		"population": [fx.population("sub-a", 500000, "third-party", 1)],
		"tenant": {"id": "t", "name": "t", "segment": "enterprise", "country": "SY"},
	})
	[v.verdict | some v in d.violations] == ["monitor", "review"]
	d.verdict == "review"
	d.requires_approval == true
}

test_monitor_does_not_require_approval if {
	d := aup.decision with input as fx.dossier({"population": [fx.population("sub-a", 500000, "third-party", 1)]})
	d.verdict == "monitor"
	d.requires_approval == false
}

test_violations_are_sorted_by_rule if {
	d := aup.decision with input as fx.dossier({
		"classifications": [fx.classification("sub-a", "csam-hash-match", 1), fx.classification("sub-b", "malware-hosting", 0.9)],
		"usage": [fx.usage("sub-a", "email", "messages_sent", 9000000)],
	})
	[v.rule | some v in d.violations] == ["child-sexual-abuse-material", "malware-and-botnet-hosting", "spam-and-phishing"]
}

test_csam_sets_notice_none_and_enforce if {
	d := aup.decision with input as fx.dossier({"classifications": [fx.classification("sub-a", "csam-hash-match", 1)]})
	d.notice == "none"
	d.verdict == "enforce"
}

test_every_rule_is_discovered if {
	rules := {v.rule | some v in aup.all_violations} with input as fx.dossier({
		"tenant": {"id": "t", "name": "t", "segment": "law-enforcement", "country": "CU"},
		"subscriptions": [object.union(fx.subscription("sub-a"), {"offer": "free-trial"})],
		"classifications": [
			fx.classification("sub-a", "csam-hash-match", 1),
			fx.classification("sub-a", "malware-hosting", 0.9),
			fx.classification("sub-a", "call-records", 0.9),
		],
		"usage": [
			fx.usage("sub-a", "email", "messages_sent", 9000000),
			fx.usage("sub-a", "compute", "vcpu_hours", 90000),
			fx.usage("sub-a", "network", "mining_pool_connections", 900),
			object.union(fx.usage("sub-a", "face", "identification_calls", 90000), {"dimensions": {"setting": "public-space", "mode": "real-time"}}),
		],
	})
	rules == {
		"mass-surveillance-of-civilians", "biometric-identification-in-public", "malware-and-botnet-hosting",
		"unauthorized-cryptomining", "spam-and-phishing", "sanctioned-party", "child-sexual-abuse-material",
	}
}

test_sparse_entries_still_count_as_evidence if {
	d := aup.decision with input as {
		"tenant": {"id": "t", "segment": "government-intelligence"},
		"subscriptions": [{"id": "sub-a"}],
		"classifications": [{"subscription": "sub-a", "category": "call-records", "confidence": 0.9}],
		"population": [{"subscription": "sub-a", "distinct_subjects": 200000, "relationship": "unknown", "civilian_share": 0.8}],
		"reports": [{"id": "r1", "allegation": "mass-surveillance-of-civilians", "credibility": "high"}],
	}
	d.verdict == "enforce"
	v := d.violations[0]
	{e.kind | some e in v.evidence} == {"classification", "population", "report", "tenant"}
}

test_empty_input_is_allow if {
	d := aup.decision with input as {}
	d.verdict == "allow"
}
