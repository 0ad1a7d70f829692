package io.writ.connector.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;

/** Small builders for the JSON objects that the SPI's records carry. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** An object from alternating names and values; values go through Jackson ({@code null} stays null). */
    static ObjectNode object(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        ObjectNode o = MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.set((String) namesAndValues[i], MAPPER.valueToTree(namesAndValues[i + 1]));
        }
        return o;
    }

    static ArrayNode array(Collection<?> values) {
        return MAPPER.valueToTree(values);
    }

    /** A text field, or null when missing or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
