# What the audit log erases from an entry before hashing it, as JSON pointers (RFC 6901): Writ's counterpart of
# OPA's system.log.mask. Writ itself always erases reports[*].reporter; this names what else identifies a person.
# The input is the entry: {"kind": "decision", "input": <the dossier>, "result": ..., ...} for decisions,
# "case.<transition>" and "policy.activated" entries for the rest (docs/audit-log.md).
package writ.log

import rego.v1

# report kinds whose source is a person, not an organisation: the source names them as surely as the reporter
person_sources := {"individual", "whistleblower", "employee", "customer-complaint"}

mask contains sprintf("/input/reports/%d/source", [i]) if {
	input.kind == "decision"
	some i, report in input.input.reports
	report.kind in person_sources
	report.source
}
