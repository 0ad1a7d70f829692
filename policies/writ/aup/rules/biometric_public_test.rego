package writ.aup.rules.biometric_public_test

import data.writ.aup.rules.biometric_public as bp
import data.writ.aup.testing as fx
import rego.v1

t := data.writ.thresholds.biometric_public

n := t.public_realtime_identification_calls

face(sub, calls, setting, mode) := object.union(fx.usage(sub, "face", "identification_calls", calls), {"dimensions": {"setting": setting, "mode": mode}})

authorisation(sub, until) := {"kind": "biometric-identification-authorisation", "subscription": sub, "issuer": "investigating judge", "valid_until": until}

the_violation(d) := v if {
	vs := bp.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := bp.violations with input as d
	count(vs) == 0
}

test_police_real_time_public_identification_at_threshold_is_enforced if {
	v := the_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "usage": [face("sub-a", n, "public-space", "real-time")]}))
	v.verdict == "enforce"
	v.scope.subscriptions == ["sub-a"]
	v.actions == [{"action": "deny-service", "subscription": "sub-a", "service": "face"}]
}

test_police_just_below_threshold_is_monitored if {
	v := the_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "usage": [face("sub-a", n - 1, "public-space", "real-time")]}))
	v.verdict == "monitor"
	v.actions == []
}

test_non_state_actor_just_below_threshold_is_nothing if {
	no_violation(fx.dossier({"tenant": fx.tenant("enterprise"), "usage": [face("sub-a", n - 1, "public-space", "real-time")]}))
}

test_valid_authorisation_lowers_enforce_to_review if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("law-enforcement"),
		"usage": [face("sub-a", n * 5, "public-space", "real-time")],
		"attestations": [authorisation("sub-a", fx.future)],
	}))
	v.verdict == "review"
	"authorised-targeted-search" in v.indicators
}

test_expired_authorisation_does_not_count if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("law-enforcement"),
		"usage": [face("sub-a", n * 5, "public-space", "real-time")],
		"attestations": [authorisation("sub-a", fx.past)],
	}))
	v.verdict == "enforce"
}

test_non_state_actor_at_scale_is_reviewed if {
	v := the_violation(fx.dossier({"tenant": fx.tenant("enterprise"), "usage": [face("sub-a", n * 3, "public-space", "real-time")]}))
	v.verdict == "review"
}

test_batch_or_private_space_face_use_is_not_this_rule if {
	no_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "usage": [
		face("sub-a", n * 100, "public-space", "batch"),
		face("sub-b", n * 100, "private-premises", "real-time"),
		fx.usage("sub-a", "face", "identification_calls", n * 100),
	]}))
}

test_usage_is_summed_per_subscription_and_normalised if {
	half := object.union(fx.usage_until("sub-a", "face", "identification_calls", n / 2, "2025-07-16T00:00:00Z"), {"dimensions": {"setting": "public-space", "mode": "real-time"}})
	v := the_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "usage": [half]}))
	v.verdict == "enforce"
}

test_high_credibility_report_alone_is_reviewed if {
	v := the_violation(fx.dossier({"reports": [fx.report("rep-9", "biometric-identification-in-public", "high", false)]}))
	v.verdict == "review"
	v.scope.subscriptions == []
	no_violation(fx.dossier({"reports": [fx.report("rep-9", "biometric-identification-in-public", "medium", false)]}))
}

test_explanation_names_calls_and_threshold if {
	v := the_violation(fx.dossier({"tenant": fx.tenant("law-enforcement"), "usage": [face("sub-a", 250000, "public-space", "real-time")]}))
	contains(v.explanation, "250,000 real-time face identification calls in public spaces per 30 days (threshold 10,000)")
}
