package writ.aup.rules.mass_surveillance_test

import data.writ.aup.rules.mass_surveillance as ms
import data.writ.aup.testing as fx
import rego.v1

t := data.writ.thresholds.mass_surveillance

the_violation(d) := v if {
	vs := ms.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := ms.violations with input as d
	count(vs) == 0
}

comms(conf) := fx.classification("sub-a", "intercepted-communications", conf)

civilians(n) := fx.population("sub-a", n, "third-party", 0.97)

# --- defaults are the issue's numbers ---

test_shipped_thresholds_are_the_issue_numbers if {
	t.classification_confidence == 0.7
	t.population_subjects == 100000
	t.civilian_share == 0.5
	t.speech_audio_hours == 10000
	t.translation_characters == 1000000000
	t.face_identification_calls == 1000000
}

# --- bulk-communications-data ---

test_bulk_comms_at_confidence_threshold_is_an_indicator if {
	v := the_violation(fx.dossier({"classifications": [comms(t.classification_confidence)]}))
	v.indicators == ["bulk-communications-data"]
	v.verdict == "monitor"
	v.scope.subscriptions == ["sub-a"]
}

test_bulk_comms_just_below_confidence_threshold_is_nothing if {
	no_violation(fx.dossier({"classifications": [comms(t.classification_confidence - 0.01)]}))
}

test_every_communications_category_counts if {
	every category in ["intercepted-communications", "call-records", "call-audio", "messaging-content"] {
		v := the_violation(fx.dossier({"classifications": [fx.classification("sub-a", category, 0.9)]}))
		v.indicators == ["bulk-communications-data"]
	}
}

test_other_categories_are_not_communications if {
	no_violation(fx.dossier({"classifications": [fx.classification("sub-a", "transaction-records", 0.99)]}))
}

test_warrant_covering_every_third_party_subject_removes_bulk_comms if {
	no_violation(fx.dossier({
		"tenant": fx.tenant("law-enforcement"),
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"population": [fx.population("sub-a", 40, "third-party", 1)],
		"attestations": [fx.warrant("sub-a", 40, fx.future)],
	}))
}

test_warrant_one_subject_short_does_not_cover if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("law-enforcement"),
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"population": [fx.population("sub-a", 41, "third-party", 1)],
		"attestations": [fx.warrant("sub-a", 40, fx.future)],
	}))
	v.indicators == ["bulk-communications-data", "state-security-actor"]
	v.verdict == "review"
}

test_unknown_relationship_must_be_covered_too if {
	v := the_violation(fx.dossier({
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"population": [fx.population("sub-a", 40, "third-party", 1), fx.population("sub-a", 5, "unknown", 1)],
		"attestations": [fx.warrant("sub-a", 40, fx.future)],
	}))
	v.indicators == ["bulk-communications-data"]
}

test_warrant_on_another_subscription_does_not_cover if {
	v := the_violation(fx.dossier({
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"attestations": [fx.warrant("sub-b", 1000, fx.future)],
	}))
	v.scope.subscriptions == ["sub-a"]
}

test_expired_warrant_does_not_cover if {
	v := the_violation(fx.dossier({
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"population": [fx.population("sub-a", 40, "third-party", 1)],
		"attestations": [fx.warrant("sub-a", 40, fx.past)],
	}))
	v.indicators == ["bulk-communications-data"]
}

test_warrant_expires_at_its_valid_until_instant if {
	d := fx.dossier({
		"classifications": [fx.classification("sub-a", "call-audio", 0.95)],
		"attestations": [fx.warrant("sub-a", 40, "2026-01-01T00:00:00Z")],
	})
	at := time.parse_rfc3339_ns("2026-01-01T00:00:00Z")
	count(ms.violations) == 1 with input as d with time.now_ns as at
	before := at - 1
	count(ms.violations) == 0 with input as d with time.now_ns as before
}

# --- population-scale-civilians ---

test_population_at_threshold_is_an_indicator if {
	v := the_violation(fx.dossier({"population": [civilians(t.population_subjects)]}))
	v.indicators == ["population-scale-civilians"]
}

test_population_just_below_threshold_is_nothing if {
	no_violation(fx.dossier({"population": [civilians(t.population_subjects - 1)]}))
}

test_civilian_share_at_and_below_threshold if {
	v := the_violation(fx.dossier({"population": [fx.population("sub-a", 500000, "third-party", t.civilian_share)]}))
	v.indicators == ["population-scale-civilians"]
	no_violation(fx.dossier({"population": [fx.population("sub-a", 500000, "third-party", t.civilian_share - 0.01)]}))
}

test_own_customers_users_employees_and_participants_do_not_count if {
	every rel in ["own-customers", "own-users", "own-employees", "consenting-participants"] {
		no_violation(fx.dossier({"population": [fx.population("sub-a", 5000000, rel, 1)]}))
	}
}

test_unknown_relationship_counts_as_third_party if {
	v := the_violation(fx.dossier({"population": [fx.population("sub-a", 200000, "unknown", 0.9)]}))
	v.indicators == ["population-scale-civilians"]
}

test_population_records_add_up_per_subscription_not_across if {
	v := the_violation(fx.dossier({"population": [
		fx.population("sub-a", 60000, "third-party", 0.9),
		fx.population("sub-a", 40000, "unknown", 0.9),
	]}))
	v.scope.subscriptions == ["sub-a"]
	no_violation(fx.dossier({"population": [
		fx.population("sub-a", 60000, "third-party", 0.9),
		fx.population("sub-b", 40000, "third-party", 0.9),
	]}))
}

test_warranted_subjects_are_subtracted_from_population if {
	over := t.population_subjects + 40
	v := the_violation(fx.dossier({
		"population": [civilians(over)],
		"attestations": [fx.warrant("sub-a", 40, fx.future)],
	}))
	v.indicators == ["population-scale-civilians"]
	no_violation(fx.dossier({
		"population": [civilians(over - 1)],
		"attestations": [fx.warrant("sub-a", 40, fx.future)],
	}))
}

# --- population-scale-ai-processing ---

test_speech_to_text_at_and_below_threshold if {
	v := the_violation(fx.dossier({"usage": [fx.usage("sub-a", "speech-to-text", "audio_hours", t.speech_audio_hours)]}))
	v.indicators == ["population-scale-ai-processing"]
	no_violation(fx.dossier({"usage": [fx.usage("sub-a", "speech-to-text", "audio_hours", t.speech_audio_hours - 1)]}))
}

test_translation_at_and_below_threshold if {
	v := the_violation(fx.dossier({"usage": [fx.usage("sub-a", "translation", "characters", t.translation_characters)]}))
	v.indicators == ["population-scale-ai-processing"]
	no_violation(fx.dossier({"usage": [fx.usage("sub-a", "translation", "characters", t.translation_characters - 1)]}))
}

test_face_identification_at_and_below_threshold if {
	v := the_violation(fx.dossier({"usage": [fx.usage("sub-a", "face", "identification_calls", t.face_identification_calls)]}))
	v.indicators == ["population-scale-ai-processing"]
	no_violation(fx.dossier({"usage": [fx.usage("sub-a", "face", "identification_calls", t.face_identification_calls - 1)]}))
}

test_usage_is_normalised_to_thirty_days if {
	# 5,000 hours in 15 days is 10,000 per 30 days; 10,000 hours in 31 days is about 9,677.
	v := the_violation(fx.dossier({"usage": [fx.usage_until("sub-a", "speech-to-text", "audio_hours", 5000, "2025-07-16T00:00:00Z")]}))
	v.indicators == ["population-scale-ai-processing"]
	no_violation(fx.dossier({"usage": [fx.usage_until("sub-a", "speech-to-text", "audio_hours", 10000, "2025-08-01T00:00:00Z")]}))
}

test_usage_records_add_up_per_subscription if {
	v := the_violation(fx.dossier({"usage": [
		fx.usage("sub-a", "speech-to-text", "audio_hours", 6000),
		fx.usage("sub-a", "speech-to-text", "audio_hours", 4000),
	]}))
	v.scope.subscriptions == ["sub-a"]
	no_violation(fx.dossier({"usage": [
		fx.usage("sub-a", "speech-to-text", "audio_hours", 6000),
		fx.usage("sub-b", "speech-to-text", "audio_hours", 4000),
	]}))
}

# --- verdict ladder ---

test_state_actor_with_population_and_bulk_comms_is_enforced if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-intelligence"),
		"classifications": [comms(0.9)],
		"population": [civilians(2000000)],
	}))
	v.verdict == "enforce"
	v.actions == [{"action": "disable-subscription", "subscription": "sub-a"}]
}

test_state_actor_with_population_and_ai_on_another_subscription_is_enforced if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-defense"),
		"population": [civilians(2000000)],
		"usage": [fx.usage("sub-b", "translation", "characters", 3000000000)],
	}))
	v.verdict == "enforce"
	v.scope.subscriptions == ["sub-a", "sub-b"]
	v.actions == [
		{"action": "deny-service", "service": "translation", "subscription": "sub-b"},
		{"action": "disable-subscription", "subscription": "sub-a"},
	]
}

test_state_actor_with_bulk_comms_and_ai_but_no_population_is_reviewed if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("law-enforcement"),
		"classifications": [comms(0.9)],
		"usage": [fx.usage("sub-a", "speech-to-text", "audio_hours", 20000)],
	}))
	v.verdict == "review"
}

test_corroborated_report_and_state_actor_with_one_indicator_is_enforced if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-intelligence"),
		"usage": [fx.usage("sub-a", "speech-to-text", "audio_hours", 20000)],
		"reports": [fx.report("rep-1", "mass-surveillance-of-civilians", "high", true)],
	}))
	v.verdict == "enforce"
	"credible-report" in v.indicators
}

test_uncorroborated_report_and_state_actor_with_one_indicator_is_reviewed if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-intelligence"),
		"usage": [fx.usage("sub-a", "speech-to-text", "audio_hours", 20000)],
		"reports": [fx.report("rep-1", "mass-surveillance-of-civilians", "high", false)],
	}))
	v.verdict == "review"
}

test_high_credibility_report_alone_is_reviewed_with_empty_scope if {
	v := the_violation(fx.dossier({"reports": [fx.report("rep-1", "mass-surveillance-of-civilians", "high", false)]}))
	v.verdict == "review"
	v.scope.subscriptions == []
	v.actions == []
	v.indicators == ["credible-report"]
}

test_medium_credibility_report_alone_is_nothing if {
	no_violation(fx.dossier({"reports": [fx.report("rep-1", "mass-surveillance-of-civilians", "medium", true)]}))
}

test_two_indicators_without_state_actor_are_reviewed if {
	v := the_violation(fx.dossier({
		"classifications": [comms(0.9)],
		"population": [civilians(2000000)],
	}))
	v.verdict == "review"
}

test_state_actor_with_one_indicator_is_reviewed if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-defense"),
		"population": [civilians(2000000)],
	}))
	v.verdict == "review"
}

test_single_indicator_is_monitored_without_actions if {
	v := the_violation(fx.dossier({"population": [civilians(2000000)]}))
	v.verdict == "monitor"
	v.actions == []
}

test_state_security_segment_alone_is_nothing if {
	no_violation(fx.dossier({
		"tenant": fx.tenant("government-intelligence"),
		"usage": [fx.usage("sub-a", "storage", "stored_bytes", 1e16)],
	}))
}

# --- scope, actions, evidence, explanation ---

test_subscriptions_without_evidence_stay_out_of_scope if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-defense"),
		"classifications": [comms(0.9), fx.classification("sub-office", "office-documents", 0.9)],
		"population": [civilians(2000000)],
		"usage": [fx.usage("sub-office", "storage", "stored_bytes", 1e12)],
	}))
	v.scope.subscriptions == ["sub-a"]
	every a in v.actions {
		a.subscription == "sub-a"
	}
	every e in v.evidence {
		object.get(e, "subscription", "sub-a") == "sub-a"
	}
}

test_ai_subscription_storing_a_petabyte_is_disabled_not_denied if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-defense"),
		"population": [civilians(2000000)],
		"usage": [
			fx.usage("sub-b", "speech-to-text", "audio_hours", 20000),
			fx.usage("sub-b", "storage", "stored_bytes", t.holding_stored_bytes),
		],
	}))
	v.actions == [
		{"action": "disable-subscription", "subscription": "sub-a"},
		{"action": "disable-subscription", "subscription": "sub-b"},
	]
}

test_evidence_points_at_the_dossier_entries if {
	v := the_violation(fx.dossier({
		"classifications": [fx.classification("sub-b", "office-documents", 0.9), comms(0.9)],
		"population": [civilians(2000000)],
	}))
	{"kind": "classification", "subscription": "sub-a", "index": 1} in {object.filter(e, ["kind", "subscription", "index"]) | some e in v.evidence}
	{"kind": "population", "subscription": "sub-a", "index": 0} in {object.filter(e, ["kind", "subscription", "index"]) | some e in v.evidence}
}

test_explanation_names_numbers_and_thresholds if {
	v := the_violation(fx.dossier({
		"tenant": fx.tenant("government-defense"),
		"population": [civilians(2300000)],
		"usage": [fx.usage("sub-b", "speech-to-text", "audio_hours", 40000)],
	}))
	contains(v.explanation, "2,300,000 third-party civilian subjects after warrants (threshold 100,000)")
	contains(v.explanation, "40,000 audio hours per 30 days of speech-to-text (threshold 10,000)")
	contains(v.explanation, "Verdict enforce")
}
