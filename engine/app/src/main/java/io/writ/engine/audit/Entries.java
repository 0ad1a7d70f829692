package io.writ.engine.audit;

import io.micronaut.core.annotation.Nullable;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.engine.tenants.ReporterMask;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

/** The bodies of the entries Writ's own features append, so that each kind has one shape. */
public final class Entries {
    /** Kinds of entry. Case transitions are {@code case.<transition>}, e.g. {@code case.approve}. */
    public static final String DECISION = "decision";
    public static final String POLICY_ACTIVATED = "policy.activated";

    private Entries() {
    }

    /**
     * A stored decision: which dossier version (and its hash) it judged, under which bundle revision, the input
     * the policy saw and what it returned. Strings of the result that quote a reporter are scrubbed here; the
     * reporters themselves are erased by {@link EntryMask}.
     */
    public static ObjectValue decision(StoredDecision d, ObjectValue input) {
        return ObjectValue.builder()
                .put("tenant", StringValue.of(d.tenantId()))
                .put("decision", StringValue.of(d.decisionId()))
                .put("dossier_version", NumberValue.of(d.dossierVersion()))
                .put("dossier_sha256", StringValue.of(d.dossierHash()))
                .put("bundle_revision", StringValue.of(d.bundleRevision()))
                .put("decided_at", StringValue.of(d.decidedAt().toString()))
                .put("input", input)
                .put("result", d.result() == null ? NullValue.INSTANCE : ReporterMask.scrub(d.result(), input))
                .build();
    }

    /** A policy bundle put in use by the embedded engine, at start or on reload. */
    public static ObjectValue policyActivated(String engine, String location, String revision, @Nullable String previous) {
        return ObjectValue.builder()
                .put("engine", StringValue.of(engine))
                .put("bundle", StringValue.of(location))
                .put("revision", text(revision))
                .put("previous_revision", text(previous))
                .build();
    }

    /** A string, or JSON null. */
    public static Value text(@Nullable String s) {
        return s == null ? NullValue.INSTANCE : StringValue.of(s);
    }
}
