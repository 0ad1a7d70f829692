package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** Rego {@code null}. */
public final class NullValue implements Value {
    public static final NullValue INSTANCE = new NullValue();

    private NullValue() {
    }

    @Override
    public int typeOrder() {
        return 0;
    }

    @Override
    public String typeName() {
        return "null";
    }

    @Override
    public JsonNode toJson() {
        return NullNode.getInstance();
    }

    @Override
    public void appendRego(StringBuilder out) {
        out.append("null");
    }

    @Override
    public int compareTo(Value o) {
        return Integer.compare(0, o.typeOrder());
    }

    @Override
    public String toString() {
        return "null";
    }
}
