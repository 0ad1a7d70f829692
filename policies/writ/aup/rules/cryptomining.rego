# AUP-3.2 unauthorised cryptocurrency mining.
#
# Evidence per subscription: a compute spike on a free or trial offer (subscription field `offer` in
# data.writ.lists.free_offers; vCPU or GPU hours per 30 days at or above the thresholds) and
# connections to known mining pools (usage service `network`, metric `mining_pool_connections`).
# Mining on a paid offer is not forbidden by itself, so mining-pool traffic there is only watched.
package writ.aup.rules.cryptomining

import data.writ.aup.lib
import rego.v1

rule := "unauthorized-cryptomining"

clause := "AUP-3.2"

severity := "medium"

t := lib.thresholds.cryptomining

free_offers := {o | some o in lib.lists.free_offers}

free_subs contains s.id if {
	some s in input.subscriptions
	s.offer in free_offers
}

vcpu := lib.metric_totals("compute", "vcpu_hours")

gpu := lib.metric_totals("compute", "gpu_hours")

pool := lib.metric_totals("network", "mining_pool_connections")

spike contains sub if {
	some sub in free_subs
	object.get(vcpu, sub, 0) >= t.trial_vcpu_hours
}

spike contains sub if {
	some sub in free_subs
	object.get(gpu, sub, 0) >= t.trial_gpu_hours
}

pool_subs contains sub if {
	some sub, n in pool
	n >= t.mining_pool_connections
}

enforce_subs := (spike & pool_subs) & free_subs

review_subs := (pool_subs & free_subs) - enforce_subs

monitor_subs := (spike - pool_subs) | (pool_subs - free_subs)

credible_reports := lib.reports_with({"cryptomining"}, {"high"})

verdict := "enforce" if count(enforce_subs) > 0
else := "review" if count(review_subs) > 0
else := "review" if count(credible_reports) > 0
else := "monitor" if count(monitor_subs) > 0

reason := "a free or trial subscription spikes in compute while connecting to mining pools" if verdict == "enforce"
else := "a free or trial subscription connects to mining pools" if count(review_subs) > 0
else := "a high-credibility report alleges cryptomining" if verdict == "review"
else := "a compute spike on a free offer without mining-pool traffic, or mining-pool traffic on a paid offer, is watched"

indicators := sort([k |
	some k in {"free-offer-compute-spike" | count(spike) > 0} | {"mining-pool-connections" | count(pool_subs) > 0} | {"credible-report" | count(credible_reports) > 0}
])

scope := sort([sub | some sub in (enforce_subs | review_subs) | monitor_subs])

actions := sort([{"action": "disable-subscription", "subscription": sub} | some sub in enforce_subs | review_subs])

figures(sub) := sprintf("%s on offer %s: %s vCPU hours and %s GPU hours per 30 days (thresholds %s and %s on free offers), %s mining-pool connections (threshold %s)", [
	sub, offer(sub),
	lib.thousands(object.get(vcpu, sub, 0)), lib.thousands(object.get(gpu, sub, 0)),
	lib.thousands(t.trial_vcpu_hours), lib.thousands(t.trial_gpu_hours),
	lib.thousands(object.get(pool, sub, 0)), lib.thousands(t.mining_pool_connections),
])

offer(sub) := o if {
	some s in input.subscriptions
	s.id == sub
	o := s.offer
} else := "unknown"

evidence_set contains lib.usage_evidence(r.index, sprintf("%s %s: %s per 30 days", [r.service, r.metric, lib.thousands(r.value)])) if {
	some r in lib.usage_rows
	r.subscription in scope
	[r.service, r.metric] in {["compute", "vcpu_hours"], ["compute", "gpu_hours"], ["network", "mining_pool_connections"]}
}

evidence_set contains {"kind": "subscription", "subscription": s.id, "index": i, "detail": sprintf("offer %s", [s.offer])} if {
	some i, s in input.subscriptions
	s.id in scope
	s.id in free_subs
}

evidence_set contains lib.report_evidence(r) if some r in credible_reports

figures_sentence := lib.sentence(concat("; ", [figures(sub) | some sub in scope])) if count(scope) > 0
else := sprintf("%d high-credibility cryptomining report(s); no usage shows it.", [count(credible_reports)])

violations contains {
	"rule": rule,
	"clause": clause,
	"severity": severity,
	"verdict": verdict,
	"confidence": lib.confidence(indicators),
	"indicators": indicators,
	"evidence": sort([e | some e in evidence_set]),
	"scope": {"subscriptions": scope},
	"actions": actions,
	"explanation": concat(" ", [figures_sentence, sprintf("Verdict %s: %s.", [verdict, reason])]),
} if {
	lib.ladder[verdict] > lib.ladder.allow
}
