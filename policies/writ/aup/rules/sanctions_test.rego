package writ.aup.rules.sanctions_test

import data.writ.aup.rules.sanctions as sn
import data.writ.aup.testing as fx
import rego.v1

tenant(id, name, country) := {"id": id, "name": name, "segment": "enterprise", "country": country}

the_violation(d) := v if {
	vs := sn.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := sn.violations with input as d
	count(vs) == 0
}

test_sanctioned_country_is_reviewed_never_enforced if {
	v := the_violation(fx.dossier({"tenant": tenant("t1", "Harbour Freight", "KP")}))
	v.verdict == "review"
	v.indicators == ["sanctioned-country"]
	v.scope.subscriptions == ["sub-a", "sub-b", "sub-office"]
}

test_listed_party_by_id if {
	v := the_violation(fx.dossier({"tenant": tenant("tnt-sanctioned-example", "Renamed Ltd", "NL")}))
	v.indicators == ["listed-party"]
}

test_listed_party_by_name_ignores_case_and_spaces if {
	v := the_violation(fx.dossier({"tenant": tenant("t1", "  example sanctioned trading llc ", "NL")}))
	v.indicators == ["listed-party"]
}

test_every_match_together_is_still_review if {
	v := the_violation(fx.dossier({
		"tenant": tenant("tnt-sanctioned-example", "Example Sanctioned Trading LLC", "IR"),
		"reports": [fx.report("r", "sanctions", "high", true)],
	}))
	v.verdict == "review"
	count(v.indicators) == 3
}

test_unlisted_tenant_is_nothing if {
	no_violation(fx.dossier({"tenant": tenant("t1", "Example Trading LLC", "NL")}))
}

test_medium_report_alone_is_nothing_high_is_review if {
	no_violation(fx.dossier({"tenant": tenant("t1", "A", "NL"), "reports": [fx.report("r", "sanctions", "medium", true)]}))
	the_violation(fx.dossier({"tenant": tenant("t1", "A", "NL"), "reports": [fx.report("r", "sanctions", "high", false)]})).verdict == "review"
}

test_country_list_comes_from_data if {
	v := sn.violations with input as fx.dossier({"tenant": tenant("t1", "A", "NL")}) with data.writ.sanctions.countries as ["NL"]
	count(v) == 1
}

test_explanation_names_the_match_and_the_review_only_rule if {
	v := the_violation(fx.dossier({"tenant": tenant("t1", "Harbour Freight", "KP")}))
	startswith(v.explanation, "Tenant t1 (country KP) matched 1 sanctions check(s): sanctioned-country.")
	contains(v.explanation, "never enforced automatically")
}
