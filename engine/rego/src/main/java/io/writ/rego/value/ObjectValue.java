package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** An immutable Rego object. Keys may be any value; they are kept sorted, so iteration and printing are ordered. */
public final class ObjectValue implements Value {
    public static final ObjectValue EMPTY = new ObjectValue(new Value[0], new Value[0]);

    private final Value[] keys; // sorted, unique
    private final Value[] values;
    private int hash;

    private ObjectValue(Value[] keys, Value[] values) {
        this.keys = keys;
        this.values = values;
    }

    public static ObjectValue of(Map<? extends Value, ? extends Value> map) {
        Builder b = new Builder(map.size());
        map.forEach(b::put);
        return b.build();
    }

    /** Convenience for tests and built-ins: alternating keys and values. */
    public static ObjectValue of(Value... kv) {
        Builder b = new Builder(kv.length / 2);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.put(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    /**
     * Takes ownership of parallel key and value arrays in any order; for equal keys the later entry wins.
     */
    public static ObjectValue wrapUnsorted(Value[] keys, Value[] values) {
        int n = keys.length;
        if (n == 0) {
            return EMPTY;
        }
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = keys[i - 1].compareTo(keys[i]) < 0;
        }
        if (sorted) {
            return new ObjectValue(keys, values);
        }
        if (n <= 16) {
            return insertionSorted(keys, values);
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        // stable, so that among equal keys the last one stays last and wins below
        Arrays.sort(idx, (a, b) -> keys[a].compareTo(keys[b]));
        Value[] k2 = new Value[n];
        Value[] v2 = new Value[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            Value key = keys[idx[i]];
            if (m > 0 && k2[m - 1].compareTo(key) == 0) {
                v2[m - 1] = values[idx[i]];
            } else {
                k2[m] = key;
                v2[m] = values[idx[i]];
                m++;
            }
        }
        return new ObjectValue(m == n ? k2 : Arrays.copyOf(k2, m), m == n ? v2 : Arrays.copyOf(v2, m));
    }

    /** Small objects (most JSON objects): a stable in-place insertion sort, no allocation. */
    private static ObjectValue insertionSorted(Value[] keys, Value[] values) {
        int n = keys.length;
        for (int i = 1; i < n; i++) {
            Value k = keys[i];
            Value v = values[i];
            int j = i - 1;
            while (j >= 0 && keys[j].compareTo(k) > 0) {
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            keys[j + 1] = k;
            values[j + 1] = v;
        }
        int m = 0; // equal keys are now adjacent, the later one last: keep it
        for (int i = 0; i < n; i++) {
            if (m > 0 && keys[m - 1].compareTo(keys[i]) == 0) {
                values[m - 1] = values[i];
            } else {
                keys[m] = keys[i];
                values[m] = values[i];
                m++;
            }
        }
        return new ObjectValue(m == n ? keys : Arrays.copyOf(keys, m), m == n ? values : Arrays.copyOf(values, m));
    }

    public static Builder builder() {
        return new Builder(8);
    }

    public int size() {
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The value at {@code key}, or null when absent. */
    public Value get(Value key) {
        if (key instanceof StringValue s) {
            return getString(s);
        }
        int i = Arrays.binarySearch(keys, key);
        return i >= 0 ? values[i] : null;
    }

    /**
     * String keys are by far the most common lookups: search them without the megamorphic
     * {@code compareTo}. Strings sort after null, booleans and numbers, before arrays, objects and sets.
     */
    private Value getString(StringValue key) {
        int lo = 0;
        int hi = keys.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Value k = keys[mid];
            int c = k instanceof StringValue ks ? ks.compareTo(key) : (k.typeOrder() < 3 ? -1 : 1);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return values[mid];
            }
        }
        return null;
    }

    public Value get(String key) {
        return getString(StringValue.of(key));
    }

    public boolean containsKey(Value key) {
        return Arrays.binarySearch(keys, key) >= 0;
    }

    public Value keyAt(int i) {
        return keys[i];
    }

    public Value valueAt(int i) {
        return values[i];
    }

    /** Keys in order, read-only. */
    public List<Value> keys() {
        return view(keys);
    }

    /** Values in key order, read-only. */
    public List<Value> values() {
        return view(values);
    }

    private static List<Value> view(Value[] a) {
        return new AbstractList<>() {
            @Override
            public Value get(int index) {
                return a[index];
            }

            @Override
            public int size() {
                return a.length;
            }
        };
    }

    /** A builder pre-filled with this object's entries. */
    public Builder toBuilder() {
        Builder b = new Builder(keys.length + 4);
        for (int i = 0; i < keys.length; i++) {
            b.put(keys[i], values[i]);
        }
        return b;
    }

    @Override
    public int typeOrder() {
        return 7;
    }

    @Override
    public String typeName() {
        return "object";
    }

    @Override
    public boolean isScalar() {
        return false;
    }

    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < keys.length; i++) {
            o.set(keyText(keys[i]), values[i].toJson());
        }
        return o;
    }

    /** The JSON member name of a key: strings as is, other keys as their JSON text. */
    public static String keyText(Value key) {
        return key instanceof StringValue s ? s.value() : key.toJsonString();
    }

    @Override
    public void appendRego(StringBuilder out) {
        out.append('{');
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            keys[i].appendRego(out);
            out.append(": ");
            values[i].appendRego(out);
        }
        out.append('}');
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof ObjectValue b) {
            int n = Math.min(keys.length, b.keys.length);
            for (int i = 0; i < n; i++) {
                int c = keys[i].compareTo(b.keys[i]);
                if (c != 0) {
                    return c;
                }
                c = values[i].compareTo(b.values[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(keys.length, b.keys.length);
        }
        return Integer.compare(7, o.typeOrder());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ObjectValue b && b.keys.length == keys.length && hashCode() == b.hashCode()
                && Arrays.equals(keys, b.keys) && Arrays.equals(values, b.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = (Arrays.hashCode(keys) * 31 + Arrays.hashCode(values)) * 31 + 7;
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return toRego();
    }

    /** Collects entries; a later {@code put} of an equal key replaces the earlier value. */
    public static final class Builder {
        private final ArrayList<Value> ks;
        private final ArrayList<Value> vs;
        private boolean sorted = true;

        Builder(int capacity) {
            ks = new ArrayList<>(capacity);
            vs = new ArrayList<>(capacity);
        }

        public Builder put(Value k, Value v) {
            int n = ks.size();
            if (sorted && n > 0) {
                int c = ks.get(n - 1).compareTo(k);
                if (c == 0) {
                    vs.set(n - 1, v);
                    return this;
                }
                if (c > 0) {
                    sorted = false;
                }
            }
            ks.add(k);
            vs.add(v);
            return this;
        }

        public Builder put(String k, Value v) {
            return put(StringValue.of(k), v);
        }

        public int size() {
            return ks.size();
        }

        public ObjectValue build() {
            if (ks.isEmpty()) {
                return EMPTY;
            }
            Value[] k = ks.toArray(new Value[0]);
            Value[] v = vs.toArray(new Value[0]);
            return sorted ? new ObjectValue(k, v) : wrapUnsorted(k, v);
        }
    }
}
