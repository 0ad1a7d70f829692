# AUP-4.1 sanctioned parties.
#
# Evidence: the tenant's id or name on data.writ.sanctions.parties, its country on
# data.writ.sanctions.countries, or a high-credibility `sanctions` report. The verdict is always
# `review`, never `enforce`: sanctions matches are name matches and licences exist, so a person
# decides. The evidence is the tenant itself, so every subscription of the tenant is in scope.
package writ.aup.rules.sanctions

import data.writ.aup.lib
import rego.v1

rule := "sanctioned-party"

clause := "AUP-4.1"

severity := "high"

tenant := object.get(input, "tenant", {})

country_match if tenant.country in {c | some c in data.writ.sanctions.countries}

party_matches contains p if {
	some p in data.writ.sanctions.parties
	p.tenant_id == tenant.id
}

party_matches contains p if {
	some p in data.writ.sanctions.parties
	lower(trim_space(p.name)) == lower(trim_space(tenant.name))
}

credible_reports := lib.reports_with({"sanctions"}, {"high"})

indicators := sort([k |
	some k in {"sanctioned-country" | country_match} | {"listed-party" | count(party_matches) > 0} | {"credible-report" | count(credible_reports) > 0}
])

scope := sort([s.id | some s in input.subscriptions])

evidence_set contains {"kind": "tenant", "id": lib.tenant_id, "detail": sprintf("country %s is on the sanctions country list", [tenant.country])} if country_match

evidence_set contains {"kind": "tenant", "id": lib.tenant_id, "detail": sprintf("tenant %q matches listed party %q (%s)", [tenant.name, p.name, p.list])} if some p in party_matches

evidence_set contains lib.report_evidence(r) if some r in credible_reports

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": "review",
	"confidence": lib.confidence(indicators),
	"indicators": indicators,
	"evidence": sort([e | some e in evidence_set]),
	"scope": {"subscriptions": scope},
	"actions": [{"action": "disable-subscription", "subscription": sub} | some sub in scope],
	"explanation": sprintf("Tenant %s (country %s) matched %d sanctions check(s): %s. Sanctions matches are always reviewed by a person and never enforced automatically; all %d subscription(s) of the tenant would be affected.", [
		lib.tenant_id, object.get(tenant, "country", "unknown"), count(indicators), concat(", ", indicators), count(scope),
	]),
} if {
	count(indicators) > 0
}
