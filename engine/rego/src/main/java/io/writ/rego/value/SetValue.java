package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** An immutable Rego set; elements are kept sorted and unique. */
public final class SetValue implements Value {
    public static final SetValue EMPTY = new SetValue(new Value[0]);

    private final Value[] elems; // sorted, no duplicates
    private int hash;

    private SetValue(Value[] elems) {
        this.elems = elems;
    }

    /** Sorts and de-duplicates; takes ownership of the array. */
    public static SetValue wrapUnsorted(Value[] elems) {
        if (elems.length == 0) {
            return EMPTY;
        }
        Arrays.sort(elems);
        int n = 1;
        for (int i = 1; i < elems.length; i++) {
            if (elems[i].compareTo(elems[n - 1]) != 0) {
                elems[n++] = elems[i];
            }
        }
        return new SetValue(n == elems.length ? elems : Arrays.copyOf(elems, n));
    }

    public static SetValue of(Value... elems) {
        return wrapUnsorted(elems.clone());
    }

    public static SetValue of(Collection<? extends Value> elems) {
        return wrapUnsorted(elems.toArray(new Value[0]));
    }

    public int size() {
        return elems.length;
    }

    public boolean isEmpty() {
        return elems.length == 0;
    }

    public boolean contains(Value v) {
        return Arrays.binarySearch(elems, v) >= 0;
    }

    /** The elements in order, read-only. */
    public List<Value> elements() {
        return new AbstractList<>() {
            @Override
            public Value get(int index) {
                return elems[index];
            }

            @Override
            public int size() {
                return elems.length;
            }
        };
    }

    public Value get(int i) {
        return elems[i];
    }

    @Override
    public int typeOrder() {
        return 8;
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    @Override
    public JsonNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(elems.length);
        for (Value v : elems) {
            a.add(v.toJson());
        }
        return a;
    }

    @Override
    public void appendRego(StringBuilder out) {
        if (elems.length == 0) {
            out.append("set()");
            return;
        }
        out.append('{');
        for (int i = 0; i < elems.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            elems[i].appendRego(out);
        }
        out.append('}');
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof SetValue s) {
            return ArrayValue.compareSequences(elems, elems.length, s.elems, s.elems.length);
        }
        return Integer.compare(8, o.typeOrder());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof SetValue s && s.elems.length == elems.length && hashCode() == s.hashCode()
                && Arrays.equals(elems, s.elems);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(elems) * 31 + 8;
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return toRego();
    }
}
