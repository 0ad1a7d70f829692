package io.writ.rego.builtins;

import io.writ.rego.value.NumberValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Built-ins: {@code units.parse} (SI and binary suffixes, exact rational result, "m" is milli and
 * "M" mega) and {@code units.parse_bytes} (case-insensitive byte units, integer result).
 *
 * <p>OPA reports these functions' own errors with the function name twice ("units.parse:
 * units.parse: no amount provided"): the message names it and the evaluator prefixes it again.
 * We keep that wording.
 */
final class Units {
    private static final String PARSE = "units.parse";
    private static final String PARSE_BYTES = "units.parse_bytes";
    /** Exponents of scientific notation may have at most this many digits. */
    private static final int MAX_EXPONENT_DIGITS = 6;
    /** OPA scales milli by the double nearest 0.001, not by the exact decimal. */
    private static final BigDecimal MILLI = new BigDecimal(0.001);

    /** units.parse, after its unit is normalised to first letter as written, the rest lower case. */
    private static final Map<String, BigDecimal> SI_UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("m", MILLI),
            Map.entry("k", pow(1000, 1)), Map.entry("K", pow(1000, 1)),
            Map.entry("M", pow(1000, 2)),
            Map.entry("g", pow(1000, 3)), Map.entry("G", pow(1000, 3)),
            Map.entry("t", pow(1000, 4)), Map.entry("T", pow(1000, 4)),
            Map.entry("p", pow(1000, 5)), Map.entry("P", pow(1000, 5)),
            Map.entry("e", pow(1000, 6)), Map.entry("E", pow(1000, 6)),
            Map.entry("ki", pow(1024, 1)), Map.entry("Ki", pow(1024, 1)),
            Map.entry("mi", pow(1024, 2)), Map.entry("Mi", pow(1024, 2)),
            Map.entry("gi", pow(1024, 3)), Map.entry("Gi", pow(1024, 3)),
            Map.entry("ti", pow(1024, 4)), Map.entry("Ti", pow(1024, 4)),
            Map.entry("pi", pow(1024, 5)), Map.entry("Pi", pow(1024, 5)),
            Map.entry("ei", pow(1024, 6)), Map.entry("Ei", pow(1024, 6)));

    /** units.parse_bytes, whose input is lower-cased first. */
    private static final Map<String, BigDecimal> BYTE_UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("k", pow(1000, 1)), Map.entry("kb", pow(1000, 1)),
            Map.entry("m", pow(1000, 2)), Map.entry("mb", pow(1000, 2)),
            Map.entry("g", pow(1000, 3)), Map.entry("gb", pow(1000, 3)),
            Map.entry("t", pow(1000, 4)), Map.entry("tb", pow(1000, 4)),
            Map.entry("p", pow(1000, 5)), Map.entry("pb", pow(1000, 5)),
            Map.entry("e", pow(1000, 6)), Map.entry("eb", pow(1000, 6)),
            Map.entry("ki", pow(1024, 1)), Map.entry("kib", pow(1024, 1)),
            Map.entry("mi", pow(1024, 2)), Map.entry("mib", pow(1024, 2)),
            Map.entry("gi", pow(1024, 3)), Map.entry("gib", pow(1024, 3)),
            Map.entry("ti", pow(1024, 4)), Map.entry("tib", pow(1024, 4)),
            Map.entry("pi", pow(1024, 5)), Map.entry("pib", pow(1024, 5)),
            Map.entry("ei", pow(1024, 6)), Map.entry("eib", pow(1024, 6)));

    private Units() {
    }

    static void register(Registry.Builder r) {
        r.fn(PARSE, 1, (ctx, args) -> parse(args));
        r.fn(PARSE_BYTES, 1, (ctx, args) -> parseBytes(args));
    }

    private static Value parse(Value[] args) {
        String s = Args.string(PARSE, args, 0).replace("\"", "");
        String[] numAndUnit = split(PARSE, s, "no amount provided");
        String unit = numAndUnit[1];
        if (unit.length() > 1) {
            int first = unit.offsetByCodePoints(0, 1);
            unit = unit.substring(0, first) + unit.substring(first).toLowerCase(Locale.ROOT);
        }
        BigDecimal factor = SI_UNITS.get(unit);
        if (factor == null) {
            throw error(PARSE, "unit " + unit + " not recognized");
        }
        BigDecimal amount = number(PARSE, numAndUnit[0], "could not parse amount to a number").multiply(factor);
        if (amount.signum() == 0 || amount.stripTrailingZeros().scale() <= 0) {
            return NumberValue.of(amount.toBigIntegerExact());
        }
        // Non-integers are printed with ten decimals, rounded half away from zero.
        return NumberValue.of(amount.setScale(10, RoundingMode.HALF_UP));
    }

    private static Value parseBytes(Value[] args) {
        String s = Args.string(PARSE_BYTES, args, 0).toLowerCase(Locale.ROOT).replace("\"", "");
        String[] numAndUnit = split(PARSE_BYTES, s, "no byte amount provided");
        BigDecimal factor = BYTE_UNITS.get(numAndUnit[1]);
        if (factor == null) {
            throw error(PARSE_BYTES, "byte unit " + numAndUnit[1] + " not recognized");
        }
        // OPA computes in 64-bit binary floating point and truncates the product.
        BigDecimal amount = Bits.roundToGoFloat(number(PARSE_BYTES, numAndUnit[0], "could not parse byte amount to a number"));
        return NumberValue.of(Bits.roundToGoFloat(amount.multiply(factor)).toBigInteger());
    }

    /**
     * Splits an amount like "1.5e3Ki" into number and unit, rejecting spaces, a missing number and
     * exponents with too many digits.
     */
    private static String[] split(String fn, String s, String noAmount) {
        if (s.indexOf(' ') >= 0) {
            throw error(fn, "spaces not allowed in resource strings");
        }
        int end = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'e' || c == 'E') {
                // An 'e' is an exponent only when a digit or sign follows; otherwise it starts the unit.
                char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
                if (!isDigit(next) && next != '+' && next != '-') {
                    end = i;
                    break;
                }
                if (next == '+' || next == '-') {
                    i++;
                }
                int digits = 0;
                while (i + 1 + digits < s.length() && isDigit(s.charAt(i + 1 + digits))) {
                    digits++;
                }
                if (digits > MAX_EXPONENT_DIGITS) {
                    throw error(fn, "exponent too large");
                }
            } else if (!isDigit(c) && c != '.' && c != '+' && c != '-') {
                end = i;
                break;
            }
        }
        if (end == 0) {
            throw error(fn, noAmount);
        }
        return new String[] {s.substring(0, end), s.substring(end)};
    }

    private static BigDecimal number(String fn, String text, String message) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw error(fn, message);
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static BuiltinException error(String fn, String message) {
        return BuiltinException.error(fn + ": " + fn + ": " + message);
    }

    private static BigDecimal pow(int base, int exponent) {
        return BigDecimal.valueOf(base).pow(exponent);
    }
}
