package io.writ.engine.enforcement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.connector.Applied;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;

import java.time.Instant;
import java.util.Optional;

/** The connector SPI's results as the JSON the outbox stores and the API shows. */
final class PlanJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private PlanJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode applied(Applied a) {
        ObjectNode o = object();
        o.set("changed", a.changed() == null ? object() : a.changed());
        o.set("prior", a.prior() == null ? object() : a.prior());
        o.put("already_applied", a.alreadyApplied());
        a.irreversibleAfter().ifPresent(t -> o.put("irreversible_after", t.toString()));
        return o;
    }

    static Applied applied(ObjectNode o) {
        JsonNode deadline = o.get("irreversible_after");
        return new Applied(objectOrEmpty(o.get("changed")), objectOrEmpty(o.get("prior")),
                o.path("already_applied").asBoolean(false),
                deadline == null || deadline.isNull() ? Optional.empty() : Optional.of(Instant.parse(deadline.asText())));
    }

    static ObjectNode verification(Verification v) {
        ObjectNode o = object();
        o.put("ok", v.ok());
        o.set("observed", v.observed());
        o.put("detail", v.detail());
        return o;
    }

    static ObjectNode reverted(Reverted r) {
        ObjectNode o = object();
        o.set("restored", r.restored());
        o.put("already_reverted", r.alreadyReverted());
        return o;
    }

    static ObjectNode target(TargetDescription t) {
        ObjectNode o = object();
        o.put("provider", t.provider());
        o.put("scope", t.scope());
        o.put("id", t.id());
        o.set("details", t.details());
        return o;
    }

    static ObjectNode preview(Preview p) {
        ObjectNode o = object();
        o.set("target", p.target() == null ? null : target(p.target()));
        o.set("current", p.current());
        o.set("intended", p.intended());
        o.put("summary", p.summary());
        return o;
    }

    static ObjectNode parseObject(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored enforcement JSON is not an object", e);
        }
    }

    static @Nullable ObjectNode parseNullable(@Nullable String text) {
        return text == null ? null : parseObject(text);
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored enforcement JSON is malformed", e);
        }
    }

    static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Rego value (the cases' JSON model) as a Jackson tree. */
    static JsonNode jackson(Value v) {
        return parse(v.toJsonString());
    }

    /** A Jackson tree as a Rego value, for the case view. */
    static Value value(JsonNode n) {
        return Json.parse(text(n));
    }

    private static ObjectNode objectOrEmpty(@Nullable JsonNode n) {
        return n instanceof ObjectNode o ? o : object();
    }
}
