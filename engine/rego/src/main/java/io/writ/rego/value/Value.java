package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An immutable Rego value. Values order, compare and print exactly as OPA's do: by type first
 * (null &lt; boolean &lt; number &lt; string &lt; array &lt; object &lt; set), then by content, with object
 * keys and set elements kept sorted so that every output is deterministic.
 */
public sealed interface Value extends Comparable<Value>
        permits NullValue, BooleanValue, NumberValue, StringValue, ArrayValue, ObjectValue, SetValue {

    /** OPA's sort position of this value's type. */
    int typeOrder();

    /** The name {@code type_name} returns: null, boolean, number, string, array, object, set. */
    String typeName();

    /** This value as JSON; sets become sorted arrays, non-string object keys become their JSON text. */
    JsonNode toJson();

    /** Appends the Rego text of this value (as OPA prints terms: {@code {"a": 1}}, {@code set()}). */
    void appendRego(StringBuilder out);

    /** True for every value except {@code false}: what makes an expression succeed. */
    default boolean isTruthy() {
        return true;
    }

    /** True when this value has no sub-values, i.e. is not an array, object or set. */
    default boolean isScalar() {
        return true;
    }

    /** Rego text, e.g. {@code {"a": [1, "x"], "b": {1, 2}}}. */
    default String toRego() {
        StringBuilder sb = new StringBuilder();
        appendRego(sb);
        return sb.toString();
    }

    /** Compact JSON text, keys sorted. */
    default String toJsonString() {
        StringBuilder sb = new StringBuilder();
        Json.append(this, sb);
        return sb.toString();
    }

    static Value of(JsonNode node) {
        return Json.fromNode(node);
    }

    static Value of(String s) {
        return StringValue.of(s);
    }

    static Value of(long n) {
        return NumberValue.of(n);
    }

    static Value of(boolean b) {
        return BooleanValue.of(b);
    }
}
