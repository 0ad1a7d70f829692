package io.writ.engine.tenants;

import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * One version of a tenant's dossier: its canonical JSON (RFC 8785, as {@code Jcs} writes it — the same dossier
 * always gives the same text; a snapshot stored by an earlier release may be plain compact JSON) and the SHA-256 of
 * that text, which decisions cite.
 */
public record Dossier(String tenantId, long version, String json, String sha256, OffsetDateTime createdAt) {

    /** The dossier as a policy input. */
    public ObjectValue value() {
        return (ObjectValue) Json.parse(json);
    }

    /** Hex SHA-256 of the text's UTF-8 bytes. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hex SHA-256 of these bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
