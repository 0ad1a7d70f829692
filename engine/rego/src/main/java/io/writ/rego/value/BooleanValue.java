package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

/** Rego {@code true} and {@code false}. */
public final class BooleanValue implements Value {
    public static final BooleanValue TRUE = new BooleanValue(true);
    public static final BooleanValue FALSE = new BooleanValue(false);

    private final boolean value;

    private BooleanValue(boolean value) {
        this.value = value;
    }

    public static BooleanValue of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public boolean value() {
        return value;
    }

    @Override
    public int typeOrder() {
        return 1;
    }

    @Override
    public String typeName() {
        return "boolean";
    }

    @Override
    public boolean isTruthy() {
        return value;
    }

    @Override
    public JsonNode toJson() {
        return BooleanNode.valueOf(value);
    }

    @Override
    public void appendRego(StringBuilder out) {
        out.append(value);
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof BooleanValue b) {
            return Boolean.compare(value, b.value);
        }
        return Integer.compare(1, o.typeOrder());
    }

    @Override
    public String toString() {
        return Boolean.toString(value);
    }
}
