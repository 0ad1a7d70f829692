package io.writ.engine.audit;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * One entry of the log as stored: its leaf index, the columns the audit view filters on, and {@code json}, the
 * RFC 8785 canonical text whose UTF-8 bytes are the leaf.
 */
public record LogEntry(long index, String kind, @Nullable String tenant, @Nullable String caseId, Instant loggedAt,
                       String json) {
}
