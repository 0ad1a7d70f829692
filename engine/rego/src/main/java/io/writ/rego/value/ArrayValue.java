package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** An immutable Rego array. */
public final class ArrayValue implements Value {
    public static final ArrayValue EMPTY = new ArrayValue(new Value[0]);

    private final Value[] items;
    private int hash;

    private ArrayValue(Value[] items) {
        this.items = items;
    }

    /** Takes ownership of {@code items}: the caller must not change the array afterwards. */
    public static ArrayValue wrap(Value[] items) {
        return items.length == 0 ? EMPTY : new ArrayValue(items);
    }

    public static ArrayValue of(Value... items) {
        return wrap(items.clone());
    }

    public static ArrayValue of(Collection<? extends Value> items) {
        return wrap(items.toArray(new Value[0]));
    }

    public int size() {
        return items.length;
    }

    public Value get(int i) {
        return items[i];
    }

    /** A read-only view. */
    public List<Value> items() {
        return new AbstractList<>() {
            @Override
            public Value get(int index) {
                return items[index];
            }

            @Override
            public int size() {
                return items.length;
            }
        };
    }

    /** A copy of the elements. */
    public Value[] toArray() {
        return items.clone();
    }

    @Override
    public int typeOrder() {
        return 6;
    }

    @Override
    public String typeName() {
        return "array";
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    @Override
    public JsonNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(items.length);
        for (Value v : items) {
            a.add(v.toJson());
        }
        return a;
    }

    @Override
    public void appendRego(StringBuilder out) {
        out.append('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            items[i].appendRego(out);
        }
        out.append(']');
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof ArrayValue a) {
            return compareSequences(items, items.length, a.items, a.items.length);
        }
        return Integer.compare(6, o.typeOrder());
    }

    static int compareSequences(Value[] a, int na, Value[] b, int nb) {
        int n = Math.min(na, nb);
        for (int i = 0; i < n; i++) {
            int c = a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(na, nb);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ArrayValue a && a.items.length == items.length && hashCode() == a.hashCode()
                && Arrays.equals(items, a.items);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(items) * 31 + 6;
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return toRego();
    }
}
