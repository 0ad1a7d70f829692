package io.writ.engine.enforcement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.web.Problem;

import java.util.Iterator;
import java.util.List;

/** The small JSON bodies of the enforcement endpoints, checked strictly: unknown fields and wrong types are 422. */
final class Bodies {
    static final int MAX_REASON = 4000;

    private Bodies() {
    }

    static ObjectNode object(@Nullable String body, List<String> fields) {
        if (body == null || body.isBlank()) {
            return PlanJson.object();
        }
        JsonNode n;
        try {
            n = PlanJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
        if (!(n instanceof ObjectNode o)) {
            throw Problem.unprocessable("the body must be a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw Problem.unprocessable("unknown field '" + f + "'; this endpoint takes " + String.join(", ", fields));
            }
        }
        return o;
    }

    static @Nullable String reason(ObjectNode o, boolean required) {
        JsonNode r = o.get("reason");
        if (r == null || r.isNull() || (r.isTextual() && r.asText().isBlank())) {
            if (required) {
                throw Problem.unprocessable("a reason is required: {\"reason\": \"...\"}");
            }
            return null;
        }
        if (!r.isTextual()) {
            throw Problem.unprocessable("\"reason\" must be a string");
        }
        if (r.asText().length() > MAX_REASON) {
            throw Problem.unprocessable("the reason is longer than " + MAX_REASON + " characters");
        }
        return r.asText().strip();
    }
}
