package io.writ.connector.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One action kind carried out on ARM. Each method is called through {@link AzureConnector}, which turns the SDK's
 * unchecked errors into {@link ConnectorException}s; implementations check their fields in {@link #describe} first
 * so that a malformed action is INVALID before any request is sent.
 */
sealed interface ArmAction permits SubscriptionCancel, ServiceDenial, ResourceIsolation, ResourceLock, AccessRevocation {
    TargetDescription describe(Action action) throws ConnectorException;

    Preview preview(Action action) throws ConnectorException;

    Applied apply(Action action, String idempotencyKey) throws ConnectorException;

    /** See {@link io.writ.connector.Connector#apply(Action, String, ObjectNode)}; most actions need no {@code before}. */
    default Applied apply(Action action, String idempotencyKey, ObjectNode before) throws ConnectorException {
        return apply(action, idempotencyKey);
    }

    Verification verify(Action action, Applied applied) throws ConnectorException;

    Reverted revert(Action action, Applied applied) throws ConnectorException;

    Verification verifyReverted(Action action, Applied applied) throws ConnectorException;

    /** The name of the object apply created, as recorded in {@link Applied#changed()}. */
    static String createdName(Action action, Applied applied) throws ConnectorException {
        String name = applied == null || applied.changed() == null ? null : applied.changed().path("name").asText(null);
        if (name == null) {
            throw ConnectorException.invalid(action.kind().wire() + ": the applied record names nothing created: "
                    + (applied == null ? null : applied.changed()));
        }
        return name;
    }

    /**
     * The name of what Writ creates for an idempotency key ({@code writ-} and 24 hex digits of its SHA-256): the same
     * key always finds the same object, and the name is valid wherever ARM names policy assignments and locks, whatever
     * characters the key has.
     */
    static String nameFor(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("an idempotency key is required");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "writ-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
