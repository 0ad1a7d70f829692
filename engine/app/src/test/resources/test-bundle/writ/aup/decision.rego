# A tiny stand-in for the acceptable-use policy, until the policies module provides the real one.
package writ.aup

import rego.v1

population[s] := n if {
	some p in input.population
	s := p.subscription
	n := sum([q.distinct_subjects | some q in input.population; q.subscription == s])
}

violations contains v if {
	some sub, n in population
	n >= data.writ.thresholds.subjects
	v := {"rule": "test-population", "verdict": "review", "scope": {"subscriptions": [sub]}}
}

verdict := "review" if count(violations) > 0
else := "allow"

decision := {
	"verdict": verdict,
	"violations": [v | some v in violations],
	"requires_approval": count(violations) > 0,
}
