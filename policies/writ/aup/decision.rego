# The acceptable-use decision for one tenant dossier (DESIGN §5): every rule's violations, the
# highest verdict on the ladder allow < monitor < review < enforce, whether people must approve,
# and the notice period ("none" when child sexual abuse material is found).
#
# Rules are discovered: every package under data.writ.aup.rules that defines `violations`
# contributes, so adding a rule needs no change here.
package writ.aup

import data.writ.aup.lib
import rego.v1

all_violations contains v if {
	some name
	some v in data.writ.aup.rules[name].violations
}

violations := [v |
	some rule in sort({v.rule | some v in all_violations})
	some v in sort([x | some x in all_violations; x.rule == rule])
]

verdict := lib.verdict_of(max({lib.ladder[v.verdict] | some v in all_violations})) if count(all_violations) > 0
else := "allow"

requires_approval := lib.ladder[verdict] >= lib.ladder.review

notice := "none" if {
	some v in all_violations
	v.notice == "none"
} else := "standard"

decision := {
	"verdict": verdict,
	"violations": violations,
	"requires_approval": requires_approval,
	"notice": notice,
}
