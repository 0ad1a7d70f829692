package writ.aup.rules.csam_test

import data.writ.aup.rules.csam
import data.writ.aup.testing as fx
import rego.v1

t := data.writ.thresholds.csam

match(sub, conf) := fx.classification(sub, "csam-hash-match", conf)

the_violation(d) := v if {
	vs := csam.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := csam.violations with input as d
	count(vs) == 0
}

test_hash_match_at_threshold_is_enforced_without_notice if {
	v := the_violation(fx.dossier({"classifications": [match("sub-b", t.hash_match_confidence)]}))
	v.verdict == "enforce"
	v.notice == "none"
	v.mandatory_reporting == true
	v.scope.subscriptions == ["sub-b"]
	v.actions == [{"action": "disable-subscription", "subscription": "sub-b"}]
}

test_hash_match_just_below_threshold_is_reviewed_still_without_notice if {
	v := the_violation(fx.dossier({"classifications": [match("sub-b", t.hash_match_confidence - 0.01)]}))
	v.verdict == "review"
	v.notice == "none"
}

test_any_segment_even_a_state_actor_is_enforced if {
	v := the_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "classifications": [match("sub-a", 1)]}))
	v.verdict == "enforce"
}

test_report_alone_is_reviewed_with_empty_scope if {
	v := the_violation(fx.dossier({"reports": [fx.report("r", "csam", "medium", false)]}))
	v.verdict == "review"
	v.scope.subscriptions == []
	no_violation(fx.dossier({"reports": [fx.report("r", "csam", "low", false)]}))
}

test_other_labels_are_nothing if {
	no_violation(fx.dossier({"classifications": [fx.classification("sub-a", "adult-content", 0.99)]}))
}

test_confidence_is_the_strongest_match if {
	v := the_violation(fx.dossier({"classifications": [match("sub-a", 0.93), match("sub-b", 0.99)]}))
	v.confidence == 0.99
	v.scope.subscriptions == ["sub-a", "sub-b"]
}

test_explanation_names_matches_threshold_and_reporting if {
	v := the_violation(fx.dossier({"classifications": [match("sub-a", 1)]}))
	startswith(v.explanation, "1 CSAM hash match(es) on sub-a, 1 at or above confidence 0.9;")
	contains(v.explanation, "must be reported to")
}
