package io.writ.engine.audit;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * A filter of the audit view: any of tenant, case, entry kind and a time range [since, until), plus the leaf
 * index the page starts after (-1 for the first page).
 */
public record AuditQuery(@Nullable String tenant, @Nullable String caseId, @Nullable String kind,
                         @Nullable Instant since, @Nullable Instant until, long after) {
}
