package io.writ.rego.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** A Rego string. Ordered by Unicode code point, which is the byte order of OPA's UTF-8 strings. */
public final class StringValue implements Value {
    public static final StringValue EMPTY = new StringValue("");

    private final String value;
    private int hash;
    /** 0: not yet known; 1: no char at or above U+D800, so UTF-16 order is code point order; 2: some. */
    private byte plain;

    private StringValue(String value) {
        this.value = value;
    }

    public static StringValue of(String s) {
        return s.isEmpty() ? EMPTY : new StringValue(s);
    }

    public String value() {
        return value;
    }

    @Override
    public int typeOrder() {
        return 3;
    }

    @Override
    public String typeName() {
        return "string";
    }

    @Override
    public JsonNode toJson() {
        return TextNode.valueOf(value);
    }

    @Override
    public void appendRego(StringBuilder out) {
        Json.appendQuoted(value, out);
    }

    @Override
    public int compareTo(Value o) {
        if (o instanceof StringValue s) {
            return compareTo(s);
        }
        return Integer.compare(3, o.typeOrder());
    }

    /** Code point order; String's own (intrinsic) comparison when neither holds surrogates or chars above them. */
    public int compareTo(StringValue s) {
        if (plain() && s.plain()) {
            return value.compareTo(s.value);
        }
        return compareCodePoints(value, s.value);
    }

    private boolean plain() {
        byte p = plain;
        if (p == 0) {
            p = 1;
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) >= 0xD800) {
                    p = 2;
                    break;
                }
            }
            plain = p;
        }
        return p == 1;
    }

    /** Compares as UTF-8 bytes would: by code point, not by UTF-16 unit. */
    public static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                    return Integer.compare(a.codePointAt(i), b.codePointAt(i));
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof StringValue s && value.equals(s.value));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = value.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return toRego();
    }
}
