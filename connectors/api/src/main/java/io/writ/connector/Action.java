package io.writ.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * One action of an approved enforcement plan, exactly as the proposal states it: an object with an
 * {@code "action"} kind and the fields naming its target, e.g.
 * {@code {"action": "deny-service", "subscription": "sub-b", "service": "translation"}}. Connectors read the
 * fields they need ({@code subscription}, {@code resource}, {@code service}, {@code scope}, {@code assignments},
 * ...) and reject, through {@link Connector#describe}, an action whose fields do not name a target they can act on.
 *
 * @param kind the action kind
 * @param spec the whole action object (kept verbatim; a defensive copy)
 */
public record Action(ActionKind kind, ObjectNode spec) {
    public Action {
        Objects.requireNonNull(kind, "kind");
        spec = Objects.requireNonNull(spec, "spec").deepCopy();
    }

    /** Reads an action object; the kind comes from its {@code "action"} field. */
    public static Action of(ObjectNode spec) {
        JsonNode kind = spec.get("action");
        if (kind == null || !kind.isTextual()) {
            throw new IllegalArgumentException("an action needs an \"action\" string");
        }
        return new Action(ActionKind.fromWire(kind.asText())
                .orElseThrow(() -> new IllegalArgumentException("unknown action kind '" + kind.asText() + "'")), spec);
    }

    /** A text field of the action, if present and a string. */
    public Optional<String> text(String field) {
        JsonNode v = spec.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** A required text field; a missing one is an {@link ConnectorException.Kind#INVALID} error. */
    public String require(String field) throws ConnectorException {
        return text(field).orElseThrow(() -> ConnectorException.invalid(
                kind.wire() + " needs a \"" + field + "\" string: " + spec));
    }
}
