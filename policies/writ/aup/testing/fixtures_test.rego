# Small dossier builders shared by the Rego tests (a _test file, so it stays out of the bundle).
package writ.aup.testing

import rego.v1

july := {"start": "2025-07-01T00:00:00Z", "end": "2025-07-31T00:00:00Z"}

future := "2099-01-01T00:00:00Z"

past := "2020-01-01T00:00:00Z"

tenant(segment) := {"id": "tnt-test", "name": "Test tenant", "segment": segment, "country": "NL"}

subscription(id) := {"id": id, "name": id, "provider": "azure", "state": "active", "region": "westeurope", "services": []}

subscriptions(ids) := [subscription(id) | some id in ids]

usage(sub, service, metric, value) := {
	"subscription": sub, "service": service, "metric": metric, "value": value,
	"period": july, "dimensions": {},
}

# A usage record over 1 to 31 July inclusive of the start: end "2025-07-16T00:00:00Z" is 15 days.
usage_until(sub, service, metric, value, end) := {
	"subscription": sub, "service": service, "metric": metric, "value": value,
	"period": {"start": "2025-07-01T00:00:00Z", "end": end},
	"dimensions": {},
}

classification(sub, category, confidence) := {"subscription": sub, "category": category, "confidence": confidence, "source": "metadata-classifier"}

population(sub, n, relationship, share) := {
	"subscription": sub, "distinct_subjects": n, "subject_kind": "phone-number",
	"relationship": relationship, "civilian_share": share, "source": "estimate",
}

warrant(sub, n, until) := {"kind": "lawful-intercept-warrant", "subscription": sub, "scope_subjects": n, "issuer": "court", "valid_until": until}

report(id, allegation, credibility, corroborated) := {
	"id": id, "kind": "press", "source": "Example Daily", "received": "2025-08-06T00:00:00Z",
	"allegation": allegation, "credibility": credibility, "corroborated": corroborated,
	"reporter": {"name": "A. Reporter", "contact": "a@example.org"},
}

# A dossier from the parts a test cares about; the rest stays empty.
dossier(parts) := object.union(
	{
		"tenant": tenant("enterprise"),
		"subscriptions": subscriptions(["sub-a", "sub-b", "sub-office"]),
		"usage": [], "classifications": [], "population": [], "reports": [], "attestations": [],
	},
	parts,
)
