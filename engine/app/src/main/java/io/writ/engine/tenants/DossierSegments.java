package io.writ.engine.tenants;

import io.writ.engine.cases.TenantSegments;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The tenant's segment as its latest dossier states it ({@code tenant.segment}), for the cases' two-approver
 * rule: government and law-enforcement tenants need two distinct approvers.
 */
@Singleton
public class DossierSegments implements TenantSegments {
    private final DossierStore dossiers;

    public DossierSegments(DossierStore dossiers) {
        this.dossiers = dossiers;
    }

    @Override
    public Optional<String> segmentOf(String tenantId) {
        return dossiers.latest(tenantId)
                .map(d -> d.value().get("tenant") instanceof ObjectValue t && t.get("segment") instanceof StringValue s
                        ? s.value() : null);
    }
}
