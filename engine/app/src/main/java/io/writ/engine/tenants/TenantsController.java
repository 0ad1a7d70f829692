package io.writ.engine.tenants;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.writ.engine.evaluation.DecisionStore;
import io.writ.engine.evaluation.StoredDecision;
import io.writ.engine.web.Problem;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.Optional;

/**
 * {@code GET /v1/tenants/{id}}: the tenant's newest dossier, its version and hash, and the latest decision.
 * Reporters of external reports are masked: they identify people, and only a case shows them (DESIGN §7).
 */
@Controller("/v1/tenants")
@Secured({"reviewer", "approver", "auditor", "admin"})
public class TenantsController {
    private final DossierStore dossiers;
    private final DecisionStore decisions;

    public TenantsController(DossierStore dossiers, DecisionStore decisions) {
        this.dossiers = dossiers;
        this.decisions = decisions;
    }

    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<String> get(@PathVariable String id) {
        Dossier d = dossiers.latest(id).orElseThrow(() -> new Problem(HttpStatus.NOT_FOUND, "unknown-tenant",
                "no signals have been accepted for tenant '" + id + "'"));
        Optional<StoredDecision> decision = decisions.latest(id);
        ObjectValue dossier = d.value();
        ObjectValue body = ObjectValue.builder()
                .put("tenant_id", StringValue.of(id))
                .put("dossier_version", NumberValue.of(d.version()))
                .put("dossier_sha256", StringValue.of(d.sha256()))
                .put("updated_at", StringValue.of(d.createdAt().toInstant().toString()))
                .put("dossier", ReporterMask.mask(dossier))
                .put("decision", decision.map(x -> decisionJson(x, dossier)).orElse(NullValue.INSTANCE))
                .build();
        return HttpResponse.ok(body.toJsonString());
    }

    private static Value decisionJson(StoredDecision s, ObjectValue dossier) {
        return ObjectValue.builder()
                .put("decision_id", StringValue.of(s.decisionId()))
                .put("dossier_version", NumberValue.of(s.dossierVersion()))
                .put("dossier_sha256", StringValue.of(s.dossierHash()))
                .put("bundle_revision", StringValue.of(s.bundleRevision()))
                .put("decided_at", StringValue.of(s.decidedAt().toString()))
                .put("duration_micros", NumberValue.of(s.durationMicros()))
                .put("result", ReporterMask.scrub(s.result(), dossier)) // explanations may quote a reporter
                .build();
    }
}
