package writ.log_test

import data.writ.log
import rego.v1

decision(reports) := {"kind": "decision", "tenant": "t", "input": {"tenant": {"id": "t"}, "reports": reports}}

test_a_persons_source_is_erased if {
	m := log.mask with input as decision([
		{"id": "r1", "kind": "press", "source": "Daily Planet"},
		{"id": "r2", "kind": "whistleblower", "source": "an engineer on the project"},
	])
	m == {"/input/reports/1/source"}
}

test_an_organisations_source_is_kept if {
	m := log.mask with input as decision([{"id": "r1", "kind": "ngo", "source": "Watchdog e.V."}])
	count(m) == 0
}

test_only_decisions_are_read if {
	m := log.mask with input as {"kind": "case.approve", "input": {"reports": [{"kind": "individual", "source": "x"}]}}
	count(m) == 0
}
