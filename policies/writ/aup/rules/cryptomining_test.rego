package writ.aup.rules.cryptomining_test

import data.writ.aup.rules.cryptomining as cm
import data.writ.aup.testing as fx
import rego.v1

t := data.writ.thresholds.cryptomining

subs(offer_a, offer_b) := [
	object.union(fx.subscription("sub-a"), {"offer": offer_a}),
	object.union(fx.subscription("sub-b"), {"offer": offer_b}),
]

vcpu(sub, h) := fx.usage(sub, "compute", "vcpu_hours", h)

gpu(sub, h) := fx.usage(sub, "compute", "gpu_hours", h)

pool(sub, n) := fx.usage(sub, "network", "mining_pool_connections", n)

the_violation(d) := v if {
	vs := cm.violations with input as d
	count(vs) == 1
	some v in vs
}

no_violation(d) if {
	vs := cm.violations with input as d
	count(vs) == 0
}

test_trial_spike_with_pool_connections_is_enforced if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "pay-as-you-go"), "usage": [vcpu("sub-a", t.trial_vcpu_hours), pool("sub-a", t.mining_pool_connections)]}))
	v.verdict == "enforce"
	v.scope.subscriptions == ["sub-a"]
	v.actions == [{"action": "disable-subscription", "subscription": "sub-a"}]
}

test_gpu_spike_counts_too if {
	v := the_violation(fx.dossier({"subscriptions": subs("free", "pay-as-you-go"), "usage": [gpu("sub-a", t.trial_gpu_hours), pool("sub-a", 500)]}))
	v.verdict == "enforce"
}

test_compute_just_below_spike_with_pool_connections_is_reviewed if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "pay-as-you-go"), "usage": [vcpu("sub-a", t.trial_vcpu_hours - 1), gpu("sub-a", t.trial_gpu_hours - 1), pool("sub-a", 500)]}))
	v.verdict == "review"
}

test_pool_connections_just_below_threshold_leave_a_monitored_spike if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "pay-as-you-go"), "usage": [vcpu("sub-a", 50000), pool("sub-a", t.mining_pool_connections - 1)]}))
	v.verdict == "monitor"
	v.actions == []
}

test_paid_offer_mining_is_only_monitored if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "enterprise-agreement"), "usage": [vcpu("sub-b", 90000), pool("sub-b", 5000)]}))
	v.verdict == "monitor"
	v.scope.subscriptions == ["sub-b"]
}

test_paid_offer_compute_alone_is_nothing if {
	no_violation(fx.dossier({"subscriptions": subs("pay-as-you-go", "pay-as-you-go"), "usage": [vcpu("sub-a", 900000), gpu("sub-b", 90000)]}))
}

test_spike_is_normalised_to_thirty_days if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "pay-as-you-go"), "usage": [
		fx.usage_until("sub-a", "compute", "vcpu_hours", t.trial_vcpu_hours / 2, "2025-07-16T00:00:00Z"),
		pool("sub-a", 100),
	]}))
	v.verdict == "enforce"
}

test_report_alone_is_reviewed if {
	v := the_violation(fx.dossier({"reports": [fx.report("r", "cryptomining", "high", false)]}))
	v.verdict == "review"
	v.scope.subscriptions == []
}

test_explanation_names_figures_and_thresholds if {
	v := the_violation(fx.dossier({"subscriptions": subs("free-trial", "pay-as-you-go"), "usage": [gpu("sub-a", 2600), pool("sub-a", 14000)]}))
	contains(v.explanation, "sub-a on offer free-trial: 0 vCPU hours and 2,600 GPU hours per 30 days (thresholds 5,000 and 500 on free offers), 14,000 mining-pool connections (threshold 10).")
}
