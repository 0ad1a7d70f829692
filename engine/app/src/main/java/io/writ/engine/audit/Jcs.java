package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * RFC 8785 JSON Canonicalization Scheme: object members sorted by their names as UTF-16 code units,
 * numbers as the IEEE-754 double they denote printed the way ECMAScript's {@code Number.prototype.toString}
 * prints it, strings with only the mandatory escapes, no whitespace. The audit log hashes these bytes.
 */
public final class Jcs {
    /** 2^53: every integer up to it in magnitude is a double exactly, and ECMAScript prints it without exponent. */
    private static final long MAX_EXACT = 1L << 53;

    private Jcs() {
    }

    /**
     * The canonical text of a JSON tree. Throws {@link IllegalArgumentException} for what I-JSON forbids:
     * numbers outside the double range and strings with unpaired surrogates.
     */
    public static String canonicalize(JsonNode node) {
        return canonicalize(Json.fromNode(node), true, 4096, null);
    }

    /**
     * The canonical text of a policy value, as {@link #canonicalize(JsonNode)} gives for its JSON form (a set is the
     * array of its elements), without building that form; unpaired surrogates become U+FFFD, as {@link EntryMask}
     * makes them before an entry is hashed. Throws {@link IllegalArgumentException} for an object key that is not a
     * string and for numbers outside the double range.
     */
    public static String canonicalize(Value v) {
        return canonicalize(v, false, 4096, null);
    }

    /** As {@link #canonicalize(Value)}, with room for {@code expectedLength} chars from the start (no regrowing). */
    public static String canonicalize(Value v, int expectedLength) {
        return canonicalize(v, false, expectedLength, null);
    }

    /**
     * As {@link #canonicalize(Value, int)}, for a value that holds a part whose canonical text is known already:
     * where {@code known.value()} itself (the same instance) occurs, {@code known.text()} is written as it is instead
     * of being worked out again. The text must be what {@link #canonicalize(Value)} gives for that value.
     */
    public static String canonicalize(Value v, int expectedLength, @Nullable Known known) {
        return canonicalize(v, false, expectedLength, known);
    }

    /** A value and its canonical text, as {@link #canonicalize(Value)} gives it. */
    public record Known(Value value, String text) {
    }

    /**
     * A canonical text, and where in it lies each object that is an element of an array (a dossier's entries). The
     * canonicalization of a later value that holds some of the same objects (the same instances: a dossier's next
     * version keeps every entry no signal replaced) copies their texts from here instead of working them out again.
     */
    public static final class Reusable {
        private final String text;
        private final IdentityHashMap<Value, Long> spans;

        private Reusable(String text, IdentityHashMap<Value, Long> spans) {
            this.text = text;
            this.spans = spans;
        }

        /** The canonical text. */
        public String text() {
            return text;
        }
    }

    /**
     * As {@link #canonicalize(Value, int)}, copying the texts of the array elements that {@code v} shares with
     * {@code previous}'s value from {@code previous}: the same text, worked out only for what changed.
     */
    public static Reusable canonicalizeReusing(Value v, int expectedLength, @Nullable Reusable previous) {
        Writer w = new Writer(false, expectedLength, null, previous, true);
        w.write(v);
        return new Reusable(w.out.toString(), w.spans);
    }

    /** @param refuseUnpaired throw on an unpaired surrogate instead of writing U+FFFD for it */
    private static String canonicalize(Value v, boolean refuseUnpaired, int expectedLength, @Nullable Known known) {
        Writer w = new Writer(refuseUnpaired, expectedLength, known, null, false);
        w.write(v);
        return w.out.toString();
    }

    /** One canonicalization: its output, and the texts it may copy instead of working them out. */
    private static final class Writer {
        private final boolean refuseUnpaired;
        private final StringBuilder out;
        private final @Nullable Known known;
        private final @Nullable Reusable previous;
        /** Where the objects in array elements went in {@link #out}, when it is to be reused; otherwise null. */
        private final @Nullable IdentityHashMap<Value, Long> spans;

        Writer(boolean refuseUnpaired, int expectedLength, @Nullable Known known, @Nullable Reusable previous,
               boolean reusable) {
            this.refuseUnpaired = refuseUnpaired;
            this.out = new StringBuilder(Math.max(16, expectedLength));
            this.known = known;
            this.previous = previous;
            this.spans = reusable ? new IdentityHashMap<>() : null;
        }

        void write(Value v) {
            if (known != null && v == known.value()) {
                out.append(known.text());
                return;
            }
            switch (v) {
                case ObjectValue o -> object(o);
                case ArrayValue a -> elements(a.items());
                case SetValue set -> elements(set.elements());
                case StringValue str -> Json.appendQuoted(text(str.value(), refuseUnpaired), out);
                case NumberValue num -> {
                    if (num.isLong() && Math.abs(num.longValue()) <= MAX_EXACT) {
                        out.append(num.longValue());
                    } else {
                        out.append(number(num.doubleValue()));
                    }
                }
                case BooleanValue b -> out.append(b.value() ? "true" : "false");
                case NullValue ignored -> out.append("null");
                default -> throw new IllegalArgumentException("not JSON: a " + v.typeName());
            }
        }

        private void object(ObjectValue o) {
            int n = o.size();
            String[] keys = new String[n];
            boolean resort = false;
            for (int i = 0; i < n; i++) {
                if (!(o.keyAt(i) instanceof StringValue k)) {
                    throw new IllegalArgumentException("not JSON: an object key that is a " + o.keyAt(i).typeName());
                }
                keys[i] = text(k.value(), refuseUnpaired);
                resort |= hasCharFromSurrogates(keys[i]);
            }
            Integer[] order = null;
            if (resort) {
                // the engine orders keys by code point; UTF-16 order differs once a surrogate pair is involved
                order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
            }
            out.append('{');
            for (int j = 0; j < n; j++) {
                int i = order == null ? j : order[j];
                if (j > 0) {
                    out.append(',');
                }
                Json.appendQuoted(keys[i], out);
                out.append(':');
                write(o.valueAt(i));
            }
            out.append('}');
        }

        private void elements(List<Value> items) {
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Value item = items.get(i);
                if (spans == null || !(item instanceof ObjectValue)) {
                    write(item);
                    continue;
                }
                // an object's text depends on nothing around it: where the last text holds it, it is copied
                Long was = previous == null ? null : previous.spans.get(item);
                int from = out.length();
                if (was != null) {
                    out.append(previous.text, (int) (was >>> 32), (int) (long) was);
                } else {
                    write(item);
                }
                spans.put(item, (long) from << 32 | out.length());
            }
            out.append(']');
        }
    }

    private static boolean hasCharFromSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= '\uD800') {
                return true;
            }
        }
        return false;
    }

    /** A double as ECMAScript prints it (ECMA-262 Number::toString, radix 10); -0 is "0". */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d);
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal shortest = shortest(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // d = 0.digits × 10^n
        StringBuilder s = new StringBuilder(32);
        if (d < 0) {
            s.append('-');
        }
        if (k <= n && n <= 21) {
            s.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            s.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            s.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            s.append(digits.charAt(0));
            if (k > 1) {
                s.append('.').append(digits, 1, k);
            }
            int e = n - 1;
            s.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return s.toString();
    }

    /**
     * The shortest decimal that reads back as {@code d} (closest to it among those, even digit on a tie), as
     * ECMAScript chooses it. Double.toString (JDK 19 and later) chooses the same, except that it never prints a
     * single digit: where a one-digit decimal reads back, it may take a closer two-digit one (4.9E-324 for 5e-324).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal java = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (java.precision() != 2) {
            return java;
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[]{RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal c = exact.round(new MathContext(1, mode));
            if (c.signum() != 0 && c.doubleValue() == d && (best == null
                    || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = c;
            }
        }
        return best == null ? java : best.stripTrailingZeros();
    }

    /**
     * A string as RFC 8785 writes it (§3.2.2.2 escapes exactly what JSON must, which is how the engine's JSON printer
     * writes strings); I-JSON forbids unpaired surrogates, which are refused or replaced by U+FFFD.
     */
    private static String text(String v, boolean refuseUnpaired) {
        if (!refuseUnpaired) {
            return EntryMask.wellFormed(v);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("a string holds an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at " + i + ", which I-JSON (RFC 7493) forbids");
            }
        }
        return v;
    }
}
