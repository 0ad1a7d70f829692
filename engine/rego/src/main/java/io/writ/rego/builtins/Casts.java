package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code to_number}: null is 0, booleans are 0 and 1, numbers pass through, and strings are read
 * with the syntax of Go's {@code strconv.ParseFloat} (which OPA uses to validate them), but kept
 * exact: {@code to_number("0.1")} is the decimal 0.1.
 */
final class Casts {
    private static final String FN = "to_number";
    /** Go's decimal float literal: digits with an optional point and exponent; underscores checked apart. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** Go's hexadecimal float literal: a binary exponent is required. */
    private static final Pattern HEX = Pattern.compile(
            "([+-]?)0[xX]([0-9a-fA-F]*)\\.?([0-9a-fA-F]*)[pP]([+-]?\\d+)");
    /** Beyond this a float64 is infinite, which ParseFloat reports as out of range. */
    private static final BigDecimal FLOAT64_LIMIT = new BigDecimal(Double.MAX_VALUE)
            .add(new BigDecimal(Math.ulp(Double.MAX_VALUE)).divide(BigDecimal.valueOf(2)));

    private Casts() {
    }

    static void register(Registry.Builder r) {
        r.fn(FN, 1, (ctx, a) -> toNumber(a[0]));
    }

    private static NumberValue toNumber(Value v) {
        return switch (v) {
            case NullValue n -> NumberValue.ZERO;
            case BooleanValue b -> b.value() ? NumberValue.ONE : NumberValue.ZERO;
            case NumberValue n -> n;
            case StringValue s -> parse(s);
            default -> throw Args.typeError(FN, 0, v, "null", "boolean", "number", "string");
        };
    }

    private static NumberValue parse(StringValue sv) {
        String s = sv.value();
        String word = s.replaceFirst("^[+-]+", "").toLowerCase(Locale.ROOT);
        if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
            throw Args.typeError(FN, 0, sv, "valid number string");
        }
        BigDecimal d = read(s);
        if (d == null) {
            throw parseError(s, "invalid syntax");
        }
        if (d.abs().compareTo(FLOAT64_LIMIT) >= 0) {
            throw parseError(s, "value out of range");
        }
        return NumberValue.of(d);
    }

    /** The exact value of a Go float literal, or null when ParseFloat would reject its syntax. */
    private static BigDecimal read(String s) {
        if (s.indexOf('_') >= 0) {
            if (!underscoresOk(s)) {
                return null;
            }
            s = s.replace("_", "");
        }
        if (DECIMAL.matcher(s).matches()) {
            try {
                return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            } catch (NumberFormatException e) {
                // an exponent beyond int range: ParseFloat gives zero below and infinity above
                boolean tiny = s.matches(".*[eE]-.*") || s.matches("[+-]?[0.]*([eE].*)?");
                return tiny ? BigDecimal.ZERO : FLOAT64_LIMIT;
            }
        }
        var m = HEX.matcher(s);
        if (m.matches() && !(m.group(2).isEmpty() && m.group(3).isEmpty())) {
            BigInteger mant = new BigInteger("0" + m.group(2) + m.group(3), 16);
            BigInteger e = new BigInteger(m.group(4)).subtract(BigInteger.valueOf(4L * m.group(3).length()));
            if (mant.signum() == 0) {
                return BigDecimal.ZERO;
            }
            if (e.abs().compareTo(BigInteger.valueOf(100_000)) > 0) {
                // far outside float64 either way: ParseFloat gives zero below and infinity above
                return e.signum() < 0 ? BigDecimal.ZERO : FLOAT64_LIMIT;
            }
            int exp2 = e.intValueExact();
            BigDecimal d = new BigDecimal(mant);
            d = exp2 >= 0 ? d.multiply(new BigDecimal(BigInteger.TWO.pow(exp2)))
                    : d.divide(new BigDecimal(BigInteger.TWO.pow(-exp2)));
            return m.group(1).equals("-") ? d.negate() : d;
        }
        return null;
    }

    /** Go allows an underscore only between digits, or right after a base prefix. */
    private static boolean underscoresOk(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        boolean hex = s.length() >= i + 2 && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x';
        char saw = '^';
        if (hex) {
            i += 2;
            saw = '0';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' || hex && Character.digit(c, 16) >= 0 && c < 128) {
                saw = '0';
            } else if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
            } else {
                if (saw == '_') {
                    return false;
                }
                saw = '!';
            }
        }
        return saw != '_';
    }

    /** OPA passes ParseFloat's error through: {@code strconv.ParseFloat: parsing "x": invalid syntax}. */
    private static BuiltinException parseError(String s, String why) {
        return BuiltinException.error(FN + ": strconv.ParseFloat: parsing " + goQuote(s) + ": " + why);
    }

    /** Go's {@code %q} of a string, for the characters a policy is likely to hold. */
    private static String goQuote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }
}
