package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Built-ins: strings ({@code concat}, {@code sprintf}, {@code substring}, {@code trim*},
 * {@code strings.*}, ...). Like OPA, every index, offset and length counts Unicode code points
 * (runes), never UTF-16 units; case mapping and white space follow Go's simple per-rune rules
 * (so {@code upper("ß")} stays {@code "ß"}, unlike {@link String#toUpperCase()}).
 *
 * <p>{@code sprintf} re-implements Go's {@code fmt.Sprintf} over the argument types OPA hands it:
 * integers that fit 64 bits are Go {@code int}s, larger integers {@code *big.Int}s, other numbers
 * {@code float64}s, strings strings, and every other value the string of its Rego term (so
 * {@code %v} and {@code %s} print it like OPA, {@code %d} of it reports a bad verb). Since Writ's
 * numbers are normalised, an integral literal written as {@code 1.0} counts as an integer here,
 * where OPA would see a float.
 */
final class Strings {
    private Strings() {
    }

    static void register(Registry.Builder r) {
        r.fn("concat", 2, Strings::concat);
        r.fn("contains", 2, (ctx, a) -> BooleanValue.of(str("contains", a, 0).contains(str("contains", a, 1))));
        r.fn("startswith", 2, (ctx, a) -> BooleanValue.of(str("startswith", a, 0).startsWith(str("startswith", a, 1))));
        r.fn("endswith", 2, (ctx, a) -> BooleanValue.of(str("endswith", a, 0).endsWith(str("endswith", a, 1))));
        r.fn("format_int", 2, Strings::formatInt);
        r.fn("indexof", 2, Strings::indexOf);
        r.fn("indexof_n", 2, Strings::indexOfN);
        r.fn("lower", 1, (ctx, a) -> StringValue.of(mapRunes(str("lower", a, 0), false)));
        r.fn("upper", 1, (ctx, a) -> StringValue.of(mapRunes(str("upper", a, 0), true)));
        r.fn("replace", 3, (ctx, a) -> StringValue.of(replaceAll(str("replace", a, 0),
                List.<String[]>of(new String[] {str("replace", a, 1), str("replace", a, 2)}))));
        r.fn("strings.replace_n", 2, Strings::replaceN);
        r.fn("split", 2, Strings::split);
        r.fn("sprintf", 2, Strings::sprintf);
        r.fn("substring", 3, Strings::substring);
        r.fn("trim", 2, (ctx, a) -> StringValue.of(trimCutset(str("trim", a, 0), str("trim", a, 1), true, true)));
        r.fn("trim_left", 2, (ctx, a) -> StringValue.of(trimCutset(str("trim_left", a, 0), str("trim_left", a, 1), true, false)));
        r.fn("trim_right", 2, (ctx, a) -> StringValue.of(trimCutset(str("trim_right", a, 0), str("trim_right", a, 1), false, true)));
        r.fn("trim_prefix", 2, (ctx, a) -> {
            String s = str("trim_prefix", a, 0);
            String p = str("trim_prefix", a, 1);
            return StringValue.of(s.startsWith(p) ? s.substring(p.length()) : s);
        });
        r.fn("trim_suffix", 2, (ctx, a) -> {
            String s = str("trim_suffix", a, 0);
            String p = str("trim_suffix", a, 1);
            return StringValue.of(s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s);
        });
        r.fn("trim_space", 1, (ctx, a) -> StringValue.of(trimSpace(str("trim_space", a, 0))));
        r.fn("strings.reverse", 1, (ctx, a) -> StringValue.of(reverse(str("strings.reverse", a, 0))));
        r.fn("strings.count", 2, Strings::count);
        r.fn("strings.any_prefix_match", 2, (ctx, a) -> anyMatch("strings.any_prefix_match", a, false));
        r.fn("strings.any_suffix_match", 2, (ctx, a) -> anyMatch("strings.any_suffix_match", a, true));
        r.fn("strings.render_template", 2, (ctx, a) -> StringValue.of(GoTemplate.render(
                str("strings.render_template", a, 0), Args.object("strings.render_template", a, 1))));
    }

    private static String str(String fn, Value[] args, int i) {
        return Args.string(fn, args, i);
    }

    /** OPA's message for a collection operand holding a value of the wrong type. */
    static BuiltinException elementError(String fn, int index, Value collection, Value element, String expected) {
        String t = collection.typeName();
        return BuiltinException.type(fn + ": operand " + (index + 1) + " must be " + t + " of " + expected
                + "s but got " + t + " containing " + element.typeName());
    }

    /** The strings of an array or set operand, in order; anything else is a type error. */
    private static List<String> stringItems(String fn, Value[] args, int i, String... expected) {
        List<Value> items;
        if (args[i] instanceof ArrayValue arr) {
            items = arr.items();
        } else if (args[i] instanceof SetValue set) {
            items = set.elements();
        } else {
            throw Args.typeError(fn, i, args[i], expected);
        }
        List<String> out = new ArrayList<>(items.size());
        for (Value v : items) {
            if (!(v instanceof StringValue s)) {
                throw elementError(fn, i, args[i], v, "string");
            }
            out.add(s.value());
        }
        return out;
    }

    private static Value concat(BuiltinContext ctx, Value[] args) {
        String sep = str("concat", args, 0);
        return StringValue.of(String.join(sep, stringItems("concat", args, 1, "set", "array")));
    }

    /** Go's fmt of a big integer in base 2, 8, 10 or 16; a float is truncated toward zero first, like OPA. */
    private static Value formatInt(BuiltinContext ctx, Value[] args) {
        NumberValue n = Args.number("format_int", args, 0);
        NumberValue base = Args.number("format_int", args, 1);
        int radix = base.isInteger() && base.intValueExact() != null ? base.intValueExact() : 0;
        if (radix != 2 && radix != 8 && radix != 10 && radix != 16) {
            throw BuiltinException.type("format_int: operand 2 must be one of {2, 8, 10, 16}");
        }
        BigInteger i = n.isInteger() ? n.bigInteger() : n.bigDecimal().toBigInteger();
        return StringValue.of(i.toString(radix));
    }

    private static int[] runes(String s) {
        return s.codePoints().toArray();
    }

    /** Rune index of every occurrence of {@code search} in {@code base} (overlapping), or only the first. */
    private static List<Integer> runeIndexes(String fn, Value[] args, boolean all) {
        String base = str(fn, args, 0);
        String search = str(fn, args, 1);
        if (search.isEmpty()) {
            throw BuiltinException.error(fn + ": empty search character");
        }
        List<Integer> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = base.indexOf(search, from);
            if (at < 0) {
                return out;
            }
            out.add(base.codePointCount(0, at));
            if (!all) {
                return out;
            }
            from = base.offsetByCodePoints(at, 1);
        }
    }

    private static Value indexOf(BuiltinContext ctx, Value[] args) {
        List<Integer> found = runeIndexes("indexof", args, false);
        return NumberValue.of(found.isEmpty() ? -1 : found.get(0));
    }

    private static Value indexOfN(BuiltinContext ctx, Value[] args) {
        List<Integer> found = runeIndexes("indexof_n", args, true);
        Value[] out = new Value[found.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = NumberValue.of(found.get(i));
        }
        return ArrayValue.wrap(out);
    }

    /** Go's strings.ToUpper/ToLower: the simple one-to-one case mapping of each rune. */
    private static String mapRunes(String s, boolean upper) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(upper ? Character.toUpperCase(c) : Character.toLowerCase(c)));
        return sb.toString();
    }

    /**
     * Go's strings.Replacer: left to right, no overlaps; at each position the first pair (in the
     * given order) whose old string matches wins. An empty old string matches between runes, but
     * not twice in a row.
     */
    static String replaceAll(String s, List<String[]> pairs) {
        StringBuilder out = new StringBuilder(s.length());
        boolean prevEmpty = false;
        int i = 0;
        while (i <= s.length()) {
            String[] hit = null;
            for (String[] p : pairs) {
                if (s.startsWith(p[0], i) && !(p[0].isEmpty() && prevEmpty)) {
                    hit = p;
                    break;
                }
            }
            prevEmpty = hit != null && hit[0].isEmpty();
            if (hit != null) {
                // after an empty match, the next round looks again here, ignoring empty old strings
                out.append(hit[1]);
                i += hit[0].length();
                continue;
            }
            if (i == s.length()) {
                break;
            }
            int step = Character.charCount(s.codePointAt(i));
            out.append(s, i, i + step);
            i += step;
        }
        return out.toString();
    }

    private static Value replaceN(BuiltinContext ctx, Value[] args) {
        ObjectValue patterns = Args.object("strings.replace_n", args, 0);
        String s = str("strings.replace_n", args, 1);
        List<String[]> pairs = new ArrayList<>(patterns.size());
        for (int i = 0; i < patterns.size(); i++) { // keys are sorted, as OPA sorts them
            if (!(patterns.keyAt(i) instanceof StringValue k)) {
                throw BuiltinException.type("strings.replace_n: operand 1 non-string key found in pattern object");
            }
            if (!(patterns.valueAt(i) instanceof StringValue v)) {
                throw BuiltinException.type("strings.replace_n: operand 1 non-string value found in pattern object");
            }
            pairs.add(new String[] {k.value(), v.value()});
        }
        return StringValue.of(replaceAll(s, pairs));
    }

    /** Go's strings.Split: an empty separator splits into runes. */
    private static Value split(BuiltinContext ctx, Value[] args) {
        String s = str("split", args, 0);
        String sep = str("split", args, 1);
        List<Value> parts = new ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(c -> parts.add(StringValue.of(Character.toString(c))));
        } else {
            int from = 0;
            for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
                parts.add(StringValue.of(s.substring(from, at)));
                from = at + sep.length();
            }
            parts.add(StringValue.of(s.substring(from)));
        }
        return ArrayValue.of(parts);
    }

    private static Value sprintf(BuiltinContext ctx, Value[] args) {
        String format = str("sprintf", args, 0);
        ArrayValue values = Args.array("sprintf", args, 1);
        Object[] goArgs = new Object[values.size()];
        for (int i = 0; i < goArgs.length; i++) {
            goArgs[i] = GoFmt.fromValue(values.get(i));
        }
        return StringValue.of(GoFmt.sprintf(format, goArgs));
    }

    /** An int operand the way OPA's IntOperand reads it: any integer that fits 64 bits. */
    private static long int64(String fn, Value[] args, int i) {
        NumberValue n = Args.number(fn, args, i);
        if (!n.isInteger() || !n.isLong()) {
            throw BuiltinException.type(fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        }
        return n.longValue();
    }

    private static Value substring(BuiltinContext ctx, Value[] args) {
        String s = str("substring", args, 0);
        long start = int64("substring", args, 1);
        long length = int64("substring", args, 2);
        if (start < 0) {
            throw BuiltinException.error("substring: negative offset");
        }
        int runeCount = s.codePointCount(0, s.length());
        if (start >= runeCount) {
            return StringValue.EMPTY;
        }
        int from = s.offsetByCodePoints(0, (int) start);
        if (length < 0 || length >= runeCount - start) {
            return StringValue.of(s.substring(from));
        }
        return StringValue.of(s.substring(from, s.offsetByCodePoints(from, (int) length)));
    }

    /** Go's strings.Trim/TrimLeft/TrimRight: strips leading/trailing runes found in the cutset. */
    private static String trimCutset(String s, String cutset, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && cutset.indexOf(s.codePointAt(start)) >= 0) {
                start += Character.charCount(s.codePointAt(start));
            }
        }
        if (right) {
            while (end > start && cutset.indexOf(s.codePointBefore(end)) >= 0) {
                end -= Character.charCount(s.codePointBefore(end));
            }
        }
        return s.substring(start, end);
    }

    /** Go's unicode.IsSpace: ASCII white space, NEL, NBSP and the Unicode White_Space runes. */
    static boolean isGoSpace(int c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    private static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isGoSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isGoSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    private static String reverse(String s) {
        int[] r = runes(s);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = r.length - 1; i >= 0; i--) {
            sb.appendCodePoint(r[i]);
        }
        return sb.toString();
    }

    /** Go's strings.Count: non-overlapping occurrences; an empty needle counts rune boundaries. */
    private static Value count(BuiltinContext ctx, Value[] args) {
        String s = str("strings.count", args, 0);
        String sub = str("strings.count", args, 1);
        if (sub.isEmpty()) {
            return NumberValue.of(s.codePointCount(0, s.length()) + 1);
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return NumberValue.of(n);
    }

    /** True if any of the strings starts (or ends) with any of the prefixes (suffixes). */
    private static Value anyMatch(String fn, Value[] args, boolean suffix) {
        List<String> strs = args[0] instanceof StringValue s ? List.of(s.value())
                : stringItems(fn, args, 0, "string", "set", "array");
        List<String> affixes = args[1] instanceof StringValue s ? List.of(s.value())
                : stringItems(fn, args, 1, "string", "set", "array");
        for (String str : strs) {
            for (String a : affixes) {
                if (suffix ? str.endsWith(a) : str.startsWith(a)) {
                    return BooleanValue.TRUE;
                }
            }
        }
        return BooleanValue.FALSE;
    }

    // ---------------------------------------------------------------------------------------
    // Go's fmt.Sprintf

    /**
     * A re-implementation of Go's {@code fmt.Sprintf} for the four kinds of operands OPA passes:
     * {@link Long} (Go {@code int}), {@link BigInteger} ({@code *big.Int}), {@link Double}
     * ({@code float64}) and {@link String}. Flags {@code # 0 + - space}, widths, precisions,
     * {@code *} and explicit argument indexes {@code %[n]d} work as in Go, and so do its error
     * texts: {@code %!d(string=x)}, {@code %!s(MISSING)}, {@code %!(EXTRA int=1)}, {@code %!(NOVERB)}.
     */
    static final class GoFmt {
        private static final String LOWER_HEX = "0123456789abcdefx";
        private static final String UPPER_HEX = "0123456789ABCDEFX";

        private final StringBuilder out = new StringBuilder();
        private boolean sharp;
        private boolean zero;
        private boolean plus;
        private boolean minus;
        private boolean space;
        private boolean sharpV;
        private boolean plusV;
        private boolean widPresent;
        private boolean precPresent;
        private int wid;
        private int prec;
        private boolean reordered;
        private boolean goodArgNum;

        private GoFmt() {
        }

        /** The Go operand OPA's sprintf makes of a Rego value. */
        static Object fromValue(Value v) {
            if (v instanceof NumberValue n) {
                if (n.isInteger()) {
                    return n.isLong() ? (Object) n.longValue() : n.bigInteger();
                }
                double d = n.doubleValue();
                return Double.isInfinite(d) ? n.toString() : (Object) d;
            }
            if (v instanceof StringValue s) {
                return s.value();
            }
            return v.toRego();
        }

        static String sprintf(String format, Object... args) {
            GoFmt p = new GoFmt();
            p.doPrintf(format, args);
            return p.out.toString();
        }

        private void clearFlags() {
            sharp = zero = plus = minus = space = sharpV = plusV = widPresent = precPresent = false;
            wid = prec = 0;
        }

        private void doPrintf(String format, Object[] a) {
            int end = format.length();
            int argNum = 0;
            boolean afterIndex;
            int i = 0;
            formatLoop:
            while (i < end) {
                goodArgNum = true;
                int lasti = i;
                while (i < end && format.charAt(i) != '%') {
                    i++;
                }
                out.append(format, lasti, i);
                if (i >= end) {
                    break;
                }
                i++; // skip %
                clearFlags();
                simple:
                for (; i < end; i++) {
                    char c = format.charAt(i);
                    switch (c) {
                        case '#' -> sharp = true;
                        case '0' -> zero = !minus; // only pad with zeros on the left
                        case '+' -> plus = true;
                        case '-' -> {
                            minus = true;
                            zero = false;
                        }
                        case ' ' -> space = true;
                        default -> {
                            if (c >= 'a' && c <= 'z' && argNum < a.length) {
                                if (c == 'v') {
                                    sharpV = sharp;
                                    sharp = false;
                                    plusV = plus;
                                    plus = false;
                                }
                                printArg(a[argNum], c);
                                argNum++;
                                i++;
                                continue formatLoop;
                            }
                            break simple;
                        }
                    }
                }

                int[] r = argNumber(argNum, format, i, a.length);
                argNum = r[0];
                i = r[1];
                afterIndex = r[2] != 0;

                if (i < end && format.charAt(i) == '*') {
                    i++;
                    long[] w = intFromArg(a, argNum);
                    wid = (int) w[0];
                    widPresent = w[1] != 0;
                    argNum = (int) w[2];
                    if (!widPresent) {
                        out.append("%!(BADWIDTH)");
                    }
                    if (wid < 0) {
                        wid = -wid;
                        minus = true;
                        zero = false;
                    }
                    afterIndex = false;
                } else {
                    int[] n = parseNum(format, i, end);
                    wid = n[0];
                    widPresent = n[1] != 0;
                    i = n[2];
                    if (afterIndex && widPresent) {
                        goodArgNum = false;
                    }
                }

                if (i + 1 < end && format.charAt(i) == '.') {
                    i++;
                    if (afterIndex) {
                        goodArgNum = false;
                    }
                    r = argNumber(argNum, format, i, a.length);
                    argNum = r[0];
                    i = r[1];
                    afterIndex = r[2] != 0;
                    if (i < end && format.charAt(i) == '*') {
                        i++;
                        long[] pr = intFromArg(a, argNum);
                        prec = (int) pr[0];
                        precPresent = pr[1] != 0;
                        argNum = (int) pr[2];
                        if (prec < 0) {
                            prec = 0;
                            precPresent = false;
                        }
                        if (!precPresent) {
                            out.append("%!(BADPREC)");
                        }
                        afterIndex = false;
                    } else {
                        int[] n = parseNum(format, i, end);
                        prec = n[0];
                        precPresent = n[1] != 0;
                        i = n[2];
                        if (!precPresent) {
                            prec = 0;
                            precPresent = true;
                        }
                    }
                }

                if (!afterIndex) {
                    r = argNumber(argNum, format, i, a.length);
                    argNum = r[0];
                    i = r[1];
                }

                if (i >= end) {
                    out.append("%!(NOVERB)");
                    break;
                }

                int verb = format.codePointAt(i);
                i += Character.charCount(verb);

                if (verb == '%') {
                    out.append('%'); // absorbs no operand, ignores width and precision
                } else if (!goodArgNum) {
                    out.append("%!").appendCodePoint(verb).append("(BADINDEX)");
                } else if (argNum >= a.length) {
                    out.append("%!").appendCodePoint(verb).append("(MISSING)");
                } else {
                    if (verb == 'v') {
                        sharpV = sharp;
                        sharp = false;
                        plusV = plus;
                        plus = false;
                    }
                    printArg(a[argNum], verb);
                    argNum++;
                }
            }

            if (!reordered && argNum < a.length) {
                clearFlags();
                out.append("%!(EXTRA ");
                for (int k = argNum; k < a.length; k++) {
                    if (k > argNum) {
                        out.append(", ");
                    }
                    out.append(typeName(a[k])).append('=');
                    printArg(a[k], 'v');
                }
                out.append(')');
            }
        }

        /** Go's parsenum: a decimal number at s[start:end]; {num, isNum, newIndex}. */
        private static int[] parseNum(String s, int start, int end) {
            if (start >= end) {
                return new int[] {0, 0, end};
            }
            int num = 0;
            boolean isNum = false;
            int i = start;
            for (; i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
                if (num > 1_000_000 || num < -1_000_000) {
                    return new int[] {0, 0, end};
                }
                num = num * 10 + (s.charAt(i) - '0');
                isNum = true;
            }
            return new int[] {num, isNum ? 1 : 0, i};
        }

        /** Go's argNumber: an optional {@code [n]} argument index; {argNum, newIndex, found}. */
        private int[] argNumber(int argNum, String format, int i, int numArgs) {
            if (format.length() <= i || format.charAt(i) != '[') {
                return new int[] {argNum, i, 0};
            }
            reordered = true;
            String f = format.substring(i);
            int index = 0;
            int w = 1;
            boolean ok = false;
            if (f.length() >= 3) {
                for (int k = 1; k < f.length(); k++) {
                    if (f.charAt(k) == ']') {
                        int[] n = parseNum(f, 1, k);
                        w = k + 1;
                        if (n[1] != 0 && n[2] == k) {
                            index = n[0] - 1;
                            ok = true;
                        }
                        break;
                    }
                }
            }
            if (ok && index >= 0 && index < numArgs) {
                return new int[] {index, i + w, 1};
            }
            goodArgNum = false;
            return new int[] {argNum, i + w, ok ? 1 : 0};
        }

        /** Go's intFromArg: {value, isInt, newArgNum}; only Go ints qualify. */
        private static long[] intFromArg(Object[] a, int argNum) {
            if (argNum >= a.length) {
                return new long[] {0, 0, argNum};
            }
            long num = 0;
            boolean isInt = false;
            if (a[argNum] instanceof Long l) {
                num = l;
                isInt = true;
            }
            if (num > 1_000_000 || num < -1_000_000) {
                num = 0;
                isInt = false;
            }
            return new long[] {num, isInt ? 1 : 0, argNum + 1};
        }

        private static String typeName(Object arg) {
            if (arg instanceof Long) {
                return "int";
            }
            if (arg instanceof BigInteger) {
                return "*big.Int";
            }
            return arg instanceof Double ? "float64" : "string";
        }

        private void printArg(Object arg, int verb) {
            if (verb == 'T') {
                fmtS(typeName(arg));
                return;
            }
            if (arg instanceof Long l) {
                fmtIntegerVerb(BigInteger.valueOf(l), verb, arg);
            } else if (arg instanceof BigInteger b) {
                fmtBigInt(b, verb);
            } else if (arg instanceof Double d) {
                fmtFloatVerb(d, verb, arg);
            } else {
                fmtStringVerb((String) arg, verb, arg);
            }
        }

        /** Go's badVerb: {@code %!verb(type=value)}, the value printed with %v and the same flags. */
        private void badVerb(int verb, Object arg) {
            out.append("%!").appendCodePoint(verb).append('(').append(typeName(arg)).append('=');
            printArg(arg, 'v');
            out.append(')');
        }

        private void fmtIntegerVerb(BigInteger v, int verb, Object arg) {
            switch (verb) {
                case 'v', 'd' -> fmtInteger(v, 10, verb, LOWER_HEX);
                case 'b' -> fmtInteger(v, 2, verb, LOWER_HEX);
                case 'o', 'O' -> fmtInteger(v, 8, verb, LOWER_HEX);
                case 'x' -> fmtInteger(v, 16, verb, LOWER_HEX);
                case 'X' -> fmtInteger(v, 16, verb, UPPER_HEX);
                case 'c' -> pad(new String(Character.toChars(runeOf(v))));
                case 'q' -> pad(quoteRune(runeOf(v), plus));
                case 'U' -> fmtUnicode(v);
                default -> badVerb(verb, arg);
            }
        }

        /** The rune of an integer as Go's %c sees it: invalid code points become U+FFFD. */
        private static int runeOf(BigInteger v) {
            if (v.signum() < 0 || v.bitLength() > 31) {
                return 0xFFFD;
            }
            int c = v.intValue();
            return c > Character.MAX_CODE_POINT || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
        }

        /** Go's fmt.fmtInteger: sign, base prefix, precision zeros and padding. */
        private void fmtInteger(BigInteger v, int base, int verb, String digitSet) {
            boolean negative = v.signum() < 0;
            String digits = v.abs().toString(base);
            if (digitSet == UPPER_HEX) {
                digits = digits.toUpperCase();
            }
            int precision = 0;
            if (precPresent) {
                precision = prec;
                if (precision == 0 && v.signum() == 0) {
                    boolean oldZero = zero;
                    zero = false;
                    writePadding(wid);
                    zero = oldZero;
                    return;
                }
            } else if (zero && widPresent) {
                precision = wid;
                if (negative || plus || space) {
                    precision--; // leave room for the sign
                }
            }
            StringBuilder b = new StringBuilder();
            for (int k = digits.length(); k < precision; k++) {
                b.append('0');
            }
            b.append(digits);
            if (sharp) {
                switch (base) {
                    case 2 -> b.insert(0, "0b");
                    case 8 -> {
                        if (b.charAt(0) != '0') {
                            b.insert(0, '0');
                        }
                    }
                    case 16 -> b.insert(0, digitSet.charAt(16)).insert(0, '0');
                    default -> { }
                }
            }
            if (verb == 'O') {
                b.insert(0, "0o");
            }
            if (negative) {
                b.insert(0, '-');
            } else if (plus) {
                b.insert(0, '+');
            } else if (space) {
                b.insert(0, ' ');
            }
            boolean oldZero = zero;
            zero = false; // zero padding was done above, as precision
            pad(b.toString());
            zero = oldZero;
        }

        private void fmtUnicode(BigInteger v) {
            // Go formats the uint64 bit pattern, so negative numbers show as 16 hex digits.
            BigInteger u = v.signum() < 0 ? v.add(BigInteger.ONE.shiftLeft(64)) : v;
            String hex = u.toString(16).toUpperCase();
            int precision = precPresent && prec > 4 ? prec : 4;
            StringBuilder b = new StringBuilder("U+");
            for (int k = hex.length(); k < precision; k++) {
                b.append('0');
            }
            b.append(hex);
            if (sharp && u.bitLength() <= 31 && u.intValue() <= Character.MAX_CODE_POINT && GoChars.isPrint(u.intValue())) {
                b.append(" '").appendCodePoint(u.intValue()).append('\'');
            }
            boolean oldZero = zero;
            zero = false;
            pad(b.toString());
            zero = oldZero;
        }

        /** *big.Int's own Format method: only b o O d s v x X, with sign, prefix and padding rules of its own. */
        private void fmtBigInt(BigInteger x, int verb) {
            int base;
            switch (verb) {
                case 'b' -> base = 2;
                case 'o', 'O' -> base = 8;
                case 'd', 's', 'v' -> base = 10;
                case 'x', 'X' -> base = 16;
                default -> {
                    out.append("%!").appendCodePoint(verb).append("(big.Int=").append(x).append(')');
                    return;
                }
            }
            // fmt.State.Flag reports '+' and '#' for %+v and %#v too
            String sign = x.signum() < 0 ? "-" : plus || plusV ? "+" : space ? " " : "";
            String prefix = "";
            if (sharp || sharpV) {
                prefix = switch (verb) {
                    case 'b' -> "0b";
                    case 'o' -> "0";
                    case 'x' -> "0x";
                    case 'X' -> "0X";
                    default -> "";
                };
            }
            if (verb == 'O') {
                prefix = "0o";
            }
            String digits = x.abs().toString(base);
            if (verb == 'X') {
                digits = digits.toUpperCase();
            }
            int zeros = 0;
            if (precPresent) {
                if (digits.length() < prec) {
                    zeros = prec - digits.length();
                } else if (digits.equals("0") && prec == 0) {
                    return;
                }
            }
            int length = sign.length() + prefix.length() + zeros + digits.length();
            int left = 0;
            int right = 0;
            if (widPresent && length < wid) {
                int d = wid - length;
                if (minus) {
                    right = d;
                } else if (zero && !precPresent) {
                    zeros = d;
                } else {
                    left = d;
                }
            }
            out.append(" ".repeat(left)).append(sign).append(prefix).append("0".repeat(zeros)).append(digits)
                    .append(" ".repeat(right));
        }

        private void fmtStringVerb(String s, int verb, Object arg) {
            switch (verb) {
                case 'v' -> {
                    if (sharpV) {
                        fmtQ(s);
                    } else {
                        fmtS(s);
                    }
                }
                case 's' -> fmtS(s);
                case 'x' -> fmtSx(s, LOWER_HEX);
                case 'X' -> fmtSx(s, UPPER_HEX);
                case 'q' -> fmtQ(s);
                default -> badVerb(verb, arg);
            }
        }

        private String truncate(String s) {
            if (precPresent && s.codePointCount(0, s.length()) > prec) {
                return s.substring(0, s.offsetByCodePoints(0, prec));
            }
            return s;
        }

        private void fmtS(String s) {
            pad(truncate(s));
        }

        private void fmtQ(String s) {
            s = truncate(s);
            if (sharp && canBackquote(s)) {
                pad("`" + s + "`");
            } else {
                pad(quote(s, plus));
            }
        }

        /** Hex of the string's UTF-8 bytes, Go's %x / %X with its space and # variants. */
        private void fmtSx(String s, String digits) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int length = precPresent && prec < b.length ? prec : b.length;
            int width = 2 * length;
            if (width > 0) {
                if (space) {
                    if (sharp) {
                        width *= 2;
                    }
                    width += length - 1;
                } else if (sharp) {
                    width += 2;
                }
            } else {
                if (widPresent) {
                    writePadding(wid);
                }
                return;
            }
            if (widPresent && wid > width && !minus) {
                writePadding(wid - width);
            }
            if (sharp) {
                out.append('0').append(digits.charAt(16));
            }
            for (int k = 0; k < length; k++) {
                if (space && k > 0) {
                    out.append(' ');
                    if (sharp) {
                        out.append('0').append(digits.charAt(16));
                    }
                }
                int c = b[k] & 0xFF;
                out.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xF));
            }
            if (widPresent && wid > width && minus) {
                writePadding(wid - width);
            }
        }

        private void fmtFloatVerb(double v, int verb, Object arg) {
            switch (verb) {
                case 'v' -> fmtFloat(v, 'g', -1);
                case 'b', 'g', 'G', 'x', 'X' -> fmtFloat(v, verb, -1);
                case 'f', 'e', 'E' -> fmtFloat(v, verb, 6);
                case 'F' -> fmtFloat(v, 'f', 6);
                default -> badVerb(verb, arg);
            }
        }

        /** Go's fmt.fmtFloat around strconv.FormatFloat: signs, the # flag and zero padding. */
        private void fmtFloat(double v, int verb, int precision) {
            if (precPresent) {
                precision = prec;
            }
            String num = GoFloat.format(v, (char) verb, precision);
            if (num.charAt(0) != '-' && num.charAt(0) != '+') {
                num = "+" + num;
            }
            if (space && num.charAt(0) == '+' && !plus) {
                num = " " + num.substring(1);
            }
            if (sharp && verb != 'b') {
                num = sharpFloat(num, verb, precision);
            }
            if (plus || num.charAt(0) != '+') {
                if (zero && widPresent && wid > num.length()) {
                    out.append(num.charAt(0));
                    writePadding(wid - num.length());
                    out.append(num, 1, num.length());
                    return;
                }
                pad(num);
                return;
            }
            pad(num.substring(1));
        }

        /** The # flag: always a decimal point, and %g keeps its trailing zeros. */
        private static String sharpFloat(String num, int verb, int precision) {
            int digits = 0;
            if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
                digits = precision == -1 ? 6 : precision;
            }
            String tail = "";
            StringBuilder body = new StringBuilder(num);
            boolean hasDot = false;
            boolean sawNonzero = false;
            for (int k = 1; k < body.length(); k++) {
                char c = body.charAt(k);
                if (c == '.') {
                    hasDot = true;
                } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
                    tail = body.substring(k);
                    body.setLength(k);
                    break;
                } else {
                    if (c != '0') {
                        sawNonzero = true;
                    }
                    if (sawNonzero) {
                        digits--;
                    }
                }
            }
            if (!hasDot) {
                if (body.length() == 2 && body.charAt(1) == '0') {
                    digits--;
                }
                body.append('.');
            }
            while (digits > 0) {
                body.append('0');
                digits--;
            }
            return body + tail;
        }

        private void pad(String s) {
            if (!widPresent || wid == 0) {
                out.append(s);
                return;
            }
            int width = wid - s.codePointCount(0, s.length());
            if (!minus) {
                writePadding(width);
                out.append(s);
            } else {
                out.append(s);
                writePadding(width);
            }
        }

        private void writePadding(int n) {
            for (int k = 0; k < n; k++) {
                out.append(zero ? '0' : ' ');
            }
        }

        private static boolean canBackquote(String s) {
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if ((c < ' ' && c != '\t') || c == '`' || c == 0x7F || c == 0xFEFF) {
                    return false;
                }
            }
            return true;
        }

        /** Go's strconv.Quote (or QuoteToASCII): a double-quoted Go string literal. */
        static String quote(String s, boolean asciiOnly) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            s.codePoints().forEach(c -> appendEscaped(b, c, '"', asciiOnly));
            return b.append('"').toString();
        }

        private static String quoteRune(int c, boolean asciiOnly) {
            StringBuilder b = new StringBuilder("'");
            appendEscaped(b, c, '\'', asciiOnly);
            return b.append('\'').toString();
        }

        private static void appendEscaped(StringBuilder b, int c, char quote, boolean asciiOnly) {
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
                return;
            }
            if (asciiOnly ? c < 0x80 && GoChars.isPrint(c) : GoChars.isPrint(c)) {
                b.appendCodePoint(c);
                return;
            }
            switch (c) {
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0B -> b.append("\\v");
                default -> {
                    if (c < ' ' || c == 0x7F) {
                        b.append(String.format("\\x%02x", c));
                    } else if (c < 0x10000) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.append(String.format("\\U%08x", c));
                    }
                }
            }
        }
    }

    /** Go's strconv.FormatFloat for the e, E, f, g, G, b, x and X formats, via exact decimal arithmetic. */
    static final class GoFloat {
        private GoFloat() {
        }

        /** Decimal digits d1d2...dn with the decimal point {@code dp} places from the left (Go's decimalSlice). */
        private record Digits(String d, int dp) {
            static final Digits ZERO = new Digits("", 0);

            static Digits of(BigDecimal x) {
                if (x.signum() == 0) {
                    return ZERO;
                }
                BigDecimal s = x.stripTrailingZeros();
                String d = s.unscaledValue().toString();
                return new Digits(d, d.length() - s.scale());
            }

            int nd() {
                return d.length();
            }

            char at(int i) {
                return i < d.length() ? d.charAt(i) : '0';
            }
        }

        /**
         * The shortest decimal that reads back as {@code a}, the closest one if there are several.
         * Java's {@link Double#toString} gives two digits where one would do (4.9E-324 for 5e-324).
         */
        private static Digits shortest(double a) {
            Digits d = Digits.of(new BigDecimal(Double.toString(a)));
            if (d.nd() != 2) {
                return d;
            }
            BigDecimal exact = new BigDecimal(a);
            Digits best = d;
            BigDecimal bestDist = null;
            for (RoundingMode m : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal c = new BigDecimal(Double.toString(a)).round(new MathContext(1, m));
                if (Double.parseDouble(c.toString()) == a) {
                    BigDecimal dist = c.subtract(exact).abs();
                    if (bestDist == null || dist.compareTo(bestDist) < 0) {
                        best = Digits.of(c);
                        bestDist = dist;
                    }
                }
            }
            return best;
        }

        static String format(double v, char fmt, int prec) {
            boolean neg = v < 0 || (v == 0 && 1 / v < 0);
            double a = Math.abs(v);
            if (fmt == 'b') {
                return binary(v);
            }
            if (fmt == 'x' || fmt == 'X') {
                return hex(neg, a, fmt, prec);
            }
            boolean shortest = prec < 0;
            Digits digs;
            if (shortest) {
                digs = a == 0 ? Digits.ZERO : shortest(a);
                prec = switch (fmt) {
                    case 'e', 'E' -> Math.max(digs.nd() - 1, 0);
                    case 'f' -> Math.max(digs.nd() - digs.dp(), 0);
                    default -> digs.nd();
                };
            } else {
                BigDecimal exact = new BigDecimal(a);
                digs = switch (fmt) {
                    case 'e', 'E' -> Digits.of(exact.round(new MathContext(prec + 1, RoundingMode.HALF_EVEN)));
                    case 'f' -> Digits.of(exact.setScale(prec, RoundingMode.HALF_EVEN));
                    default -> {
                        if (prec == 0) {
                            prec = 1;
                        }
                        yield Digits.of(exact.round(new MathContext(prec, RoundingMode.HALF_EVEN)));
                    }
                };
            }
            StringBuilder b = new StringBuilder();
            if (neg) {
                b.append('-');
            }
            switch (fmt) {
                case 'e', 'E' -> fmtE(b, digs, prec, fmt);
                case 'f' -> fmtF(b, digs, prec);
                default -> {
                    int eprec = prec;
                    if (eprec > digs.nd() && digs.nd() >= digs.dp()) {
                        eprec = digs.nd();
                    }
                    if (shortest) {
                        eprec = 6;
                    }
                    int exp = digs.dp() - 1;
                    if (exp < -4 || exp >= eprec) {
                        fmtE(b, digs, Math.min(prec, digs.nd()) - 1, (char) (fmt + 'e' - 'g'));
                    } else {
                        fmtF(b, digs, Math.max((prec > digs.dp() ? digs.nd() : prec) - digs.dp(), 0));
                    }
                }
            }
            return b.toString();
        }

        private static void fmtE(StringBuilder b, Digits d, int prec, char fmt) {
            b.append(d.nd() == 0 ? '0' : d.at(0));
            if (prec > 0) {
                b.append('.');
                for (int i = 1; i <= prec; i++) {
                    b.append(d.at(i));
                }
            }
            b.append(fmt);
            int exp = d.nd() == 0 ? 0 : d.dp() - 1;
            b.append(exp < 0 ? '-' : '+');
            exp = Math.abs(exp);
            if (exp < 10) {
                b.append('0');
            }
            b.append(exp);
        }

        private static void fmtF(StringBuilder b, Digits d, int prec) {
            if (d.dp() > 0) {
                for (int i = 0; i < d.dp(); i++) {
                    b.append(d.at(i));
                }
            } else {
                b.append('0');
            }
            if (prec > 0) {
                b.append('.');
                for (int i = 1; i <= prec; i++) {
                    int j = d.dp() + i - 1;
                    b.append(j < 0 ? '0' : d.at(j));
                }
            }
        }

        /** %b: decimal mantissa and binary exponent, e.g. 4503599627370496p-52. */
        private static String binary(double v) {
            long bits = Double.doubleToRawLongBits(v);
            long mant = bits & ((1L << 52) - 1);
            int exp = (int) ((bits >>> 52) & 0x7FF);
            if (exp == 0) {
                exp++;
            } else {
                mant |= 1L << 52;
            }
            exp -= 1023 + 52;
            return (bits < 0 ? "-" : "") + mant + "p" + (exp >= 0 ? "+" : "") + exp;
        }

        /** %x: hexadecimal mantissa 1.hhhh and binary exponent, rounding half to even at {@code prec} digits. */
        private static String hex(boolean neg, double a, char fmt, int prec) {
            long mant;
            int exp;
            if (a == 0) {
                mant = 0;
                exp = 0;
            } else {
                long bits = Double.doubleToRawLongBits(a);
                mant = bits & ((1L << 52) - 1);
                exp = (int) (bits >>> 52);
                if (exp == 0) {
                    exp = -1022;
                    while ((mant & (1L << 52)) == 0) { // normalise a subnormal
                        mant <<= 1;
                        exp--;
                    }
                    mant &= (1L << 52) - 1;
                } else {
                    exp -= 1023;
                }
                mant |= 1L << 52;
            }
            // mant holds 1 integer bit and 52 fraction bits (13 hex digits).
            if (prec >= 0 && prec < 13) {
                int shift = 52 - 4 * prec;
                long half = 1L << (shift - 1);
                long rest = mant & ((1L << shift) - 1);
                mant >>>= shift;
                if (rest > half || (rest == half && (mant & 1) == 1)) {
                    mant++;
                }
                if (mant >>> (4 * prec) >= 2) { // carried into a second integer bit
                    mant >>>= 1;
                    exp++;
                }
                mant <<= shift;
            }
            String digits = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            StringBuilder b = new StringBuilder();
            if (neg) {
                b.append('-');
            }
            b.append('0').append(fmt).append((char) ('0' + (mant >>> 52)));
            long frac = mant & ((1L << 52) - 1);
            int n = prec < 0 ? 13 : prec;
            StringBuilder f = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int shift = 48 - 4 * i;
                f.append(shift >= 0 ? digits.charAt((int) ((frac >>> shift) & 0xF)) : '0');
            }
            if (prec < 0) {
                while (f.length() > 0 && f.charAt(f.length() - 1) == '0') {
                    f.setLength(f.length() - 1);
                }
            }
            if (f.length() > 0) {
                b.append('.').append(f);
            }
            b.append(fmt == 'X' ? 'P' : 'p').append(exp < 0 ? '-' : '+');
            if (Math.abs(exp) < 10) {
                b.append('0');
            }
            return b.append(Math.abs(exp)).toString();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Go's text/template, for strings.render_template

    /**
     * A subset of Go's {@code text/template}, enough for the templates policies write:
     * text with {@code {{- ... -}}} trimming and comment actions; field and variable
     * chains ({@code .a.b}, {@code $}, {@code $x.a}); string, number, boolean and nil constants;
     * pipelines with {@code |} and parentheses; {@code {{$x := ...}}}; {@code if}/{@code else if}/
     * {@code else}, {@code range} (with {@code $i, $v :=} and {@code else}) and {@code with}; and the
     * functions {@code and or not len index eq ne lt le gt ge print println printf}.
     * Not supported (a parse error): {@code define}, {@code template}, {@code block},
     * {@code break}, {@code continue}, methods and other functions.
     *
     * <p>The data is the variables object as OPA hands it to Go, decoded from JSON: strings,
     * numbers as {@code json.Number} (printed as written, and true when non-empty, like any string),
     * booleans, nil, slices and maps (printed {@code [a b]} and {@code map[k:v]}). A key missing from
     * the object prints as {@code <undefined>}, as in OPA 1.x.
     */
    static final class GoTemplate {
        private static final Object MISSING = new Object() {
            @Override
            public String toString() {
                return "<undefined>";
            }
        };

        private final String src;
        private int pos;
        private final List<String> tokens = new ArrayList<>();

        private GoTemplate(String src) {
            this.src = src;
        }

        static String render(String template, ObjectValue vars) {
            GoTemplate t = new GoTemplate(template);
            List<Node> body = t.parseList(Set.of());
            StringBuilder out = new StringBuilder();
            Object data = toGo(vars);
            Scope scope = new Scope(null, "$", data);
            t.exec(body, data, scope, out);
            return out.toString();
        }

        private static Object toGo(Value v) {
            if (v instanceof NullValue) {
                return null;
            }
            if (v instanceof BooleanValue b) {
                return b.value();
            }
            if (v instanceof StringValue s) {
                return s.value();
            }
            if (v instanceof NumberValue) {
                return v; // json.Number: a string holding the number as written
            }
            if (v instanceof ArrayValue a) {
                List<Object> l = new ArrayList<>(a.size());
                a.items().forEach(x -> l.add(toGo(x)));
                return l;
            }
            if (v instanceof SetValue s) {
                List<Object> l = new ArrayList<>(s.size());
                s.elements().forEach(x -> l.add(toGo(x)));
                return l;
            }
            ObjectValue o = (ObjectValue) v;
            TreeMap<String, Object> m = new TreeMap<>();
            for (int i = 0; i < o.size(); i++) {
                m.put(ObjectValue.keyText(o.keyAt(i)), toGo(o.valueAt(i)));
            }
            return m;
        }

        // --- parsing -------------------------------------------------------------------

        private sealed interface Node permits Text, Print, IfNode, RangeNode, WithNode { }

        private record Text(String text) implements Node { }

        private record Print(Pipe pipe) implements Node { }

        private record IfNode(Pipe cond, List<Node> then, List<Node> otherwise) implements Node { }

        private record RangeNode(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node { }

        private record WithNode(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node { }

        /** {@code $a, $b := cmd | cmd}; {@code assign} is false for {@code :=}. */
        private record Pipe(List<String> decl, boolean assign, List<List<Operand>> cmds, String text, int at) { }

        private sealed interface Operand permits Field, Var, Const, Ident, Sub { }

        /** {@code .a.b} (an empty chain is dot itself). */
        private record Field(List<String> chain, String text, int at) implements Operand { }

        private record Var(String name, List<String> chain, String text, int at) implements Operand { }

        private record Const(Object value) implements Operand { }

        private record Ident(String name) implements Operand { }

        private record Sub(Pipe pipe, List<String> chain) implements Operand { }

        /** The keyword that ended the last list ("end", "else", "else if ...") and the action's tokens. */
        private String pending;
        private int actionStart;

        private BuiltinException parseError(String msg) {
            return BuiltinException.error("strings.render_template: template: template:" + line(actionStart) + ": " + msg);
        }

        private int line(int at) {
            int n = 1;
            for (int i = 0; i < at && i < src.length(); i++) {
                if (src.charAt(i) == '\n') {
                    n++;
                }
            }
            return n;
        }

        /** Parses nodes until one of the {@code stops} keywords (or the end, if none given). */
        private List<Node> parseList(Set<String> stops) {
            List<Node> nodes = new ArrayList<>();
            while (pos < src.length()) {
                int open = src.indexOf("{{", pos);
                String text = open < 0 ? src.substring(pos) : src.substring(pos, open);
                if (open < 0) {
                    pos = src.length();
                    addText(nodes, text);
                    break;
                }
                boolean trimLeft = src.startsWith("{{- ", open) || src.startsWith("{{-\t", open)
                        || src.startsWith("{{-\n", open) || src.startsWith("{{-\r", open);
                addText(nodes, trimLeft ? stripTrailingSpace(text) : text);
                actionStart = open;
                int start = open + (trimLeft ? 3 : 2);
                int close = findClose(start);
                boolean trimRight = close - 2 >= start && src.charAt(close - 1) == '-' && isSpace(src.charAt(close - 2));
                String inner = src.substring(start, trimRight ? close - 1 : close).strip();
                pos = close + 2;
                if (trimRight) {
                    while (pos < src.length() && isSpace(src.charAt(pos))) {
                        pos++;
                    }
                }
                if (inner.startsWith("/*")) {
                    if (!inner.endsWith("*/")) {
                        throw parseError("unclosed comment");
                    }
                    continue;
                }
                Node n = parseAction(inner, open, stops);
                if (n == null) {
                    return nodes; // reached a stop keyword
                }
                nodes.add(n);
            }
            if (!stops.isEmpty()) {
                throw parseError("unexpected EOF");
            }
            return nodes;
        }

        private static void addText(List<Node> nodes, String text) {
            if (!text.isEmpty()) {
                nodes.add(new Text(text));
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static String stripTrailingSpace(String s) {
            int end = s.length();
            while (end > 0 && isSpace(s.charAt(end - 1))) {
                end--;
            }
            return s.substring(0, end);
        }

        /** The index of the {@code }}} closing the action, skipping quoted strings. */
        private int findClose(int from) {
            int i = from;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '"' || c == '`' || c == '\'') {
                    int j = i + 1;
                    while (j < src.length() && src.charAt(j) != c) {
                        j += src.charAt(j) == '\\' && c != '`' ? 2 : 1;
                    }
                    i = j + 1;
                } else if (src.startsWith("}}", i)) {
                    return i;
                } else {
                    i++;
                }
            }
            throw parseError("unclosed action");
        }

        private Node parseAction(String inner, int at, Set<String> stops) {
            String word = inner.split("[\\s(]", 2)[0];
            String rest = inner.substring(word.length()).strip();
            switch (word) {
                case "end" -> {
                    return stop("end", stops);
                }
                case "else" -> {
                    return stop(rest.startsWith("if ") || rest.startsWith("if\t") ? "else " + rest : "else", stops);
                }
                case "if" -> {
                    return parseIf(rest, at);
                }
                case "range", "with" -> {
                    Pipe p = parsePipe(rest, at, true);
                    List<Node> body = parseList(Set.of("end", "else"));
                    List<Node> otherwise = List.of();
                    if (pending.equals("else")) {
                        otherwise = parseList(Set.of("end"));
                    } else if (!pending.equals("end")) {
                        throw parseError("unexpected {{" + pending + "}}");
                    }
                    pending = null;
                    return word.equals("range") ? new RangeNode(p, body, otherwise) : new WithNode(p, body, otherwise);
                }
                case "define", "template", "block", "break", "continue" ->
                        throw parseError("{{" + word + "}} is not supported by strings.render_template");
                default -> {
                    return new Print(parsePipe(inner, at, true));
                }
            }
        }

        private Node stop(String keyword, Set<String> stops) {
            String key = keyword.startsWith("else ") ? "else" : keyword;
            if (!stops.contains(key)) {
                throw parseError("unexpected {{" + key + "}}");
            }
            pending = keyword;
            return null;
        }

        private Node parseIf(String condText, int at) {
            Pipe cond = parsePipe(condText, at, true);
            List<Node> then = parseList(Set.of("end", "else"));
            String p = pending;
            pending = null;
            if (p.equals("end")) {
                return new IfNode(cond, then, List.of());
            }
            if (p.equals("else")) {
                List<Node> otherwise = parseList(Set.of("end"));
                pending = null;
                return new IfNode(cond, then, otherwise);
            }
            // "else if ...": the rest of the chain shares this if's {{end}}
            return new IfNode(cond, then, List.of(parseIf(p.substring("else if".length()).strip(), at)));
        }

        private int tok;

        private Pipe parsePipe(String text, int at, boolean allowDecl) {
            tokens.clear();
            tokenize(text);
            tok = 0;
            Pipe p = pipeline(text, at, allowDecl);
            if (tok < tokens.size()) {
                throw parseError("unexpected " + quoteToken(tokens.get(tok)) + " in command");
            }
            return p;
        }

        private static String quoteToken(String t) {
            return "\"" + t + "\"";
        }

        private Pipe pipeline(String text, int at, boolean allowDecl) {
            List<String> decl = new ArrayList<>();
            boolean assign = false;
            if (allowDecl) {
                int save = tok;
                while (tok < tokens.size() && tokens.get(tok).startsWith("$") && tokens.get(tok).indexOf('.') < 0) {
                    decl.add(tokens.get(tok++));
                    if (tok < tokens.size() && tokens.get(tok).equals(",")) {
                        tok++;
                        continue;
                    }
                    break;
                }
                if (!decl.isEmpty() && tok < tokens.size() && (tokens.get(tok).equals(":=") || tokens.get(tok).equals("="))) {
                    assign = tokens.get(tok).equals("=");
                    tok++;
                } else {
                    decl.clear();
                    tok = save;
                }
            }
            List<List<Operand>> cmds = new ArrayList<>();
            while (true) {
                List<Operand> cmd = new ArrayList<>();
                while (tok < tokens.size() && !tokens.get(tok).equals("|") && !tokens.get(tok).equals(")")) {
                    cmd.add(operand(at));
                }
                if (cmd.isEmpty()) {
                    throw parseError("missing value for command");
                }
                cmds.add(cmd);
                if (tok < tokens.size() && tokens.get(tok).equals("|")) {
                    tok++;
                    continue;
                }
                return new Pipe(decl, assign, cmds, text, at);
            }
        }

        private Operand operand(int at) {
            String t = tokens.get(tok++);
            if (t.equals("(")) {
                Pipe inner = pipeline("(...)", at, false);
                if (tok >= tokens.size() || !tokens.get(tok).equals(")")) {
                    throw parseError("unclosed left paren");
                }
                tok++;
                List<String> chain = new ArrayList<>();
                while (tok < tokens.size() && tokens.get(tok).startsWith(".") && tokens.get(tok).length() > 1
                        && tokens.get(tok - 1).equals(")")) {
                    chain.addAll(fieldChain(tokens.get(tok++)));
                }
                return new Sub(inner, chain);
            }
            if (t.startsWith(".")) {
                return new Field(t.equals(".") ? List.of() : fieldChain(t), t, at + 2);
            }
            if (t.startsWith("$")) {
                int dot = t.indexOf('.');
                String name = dot < 0 ? t : t.substring(0, dot);
                return new Var(name, dot < 0 ? List.of() : fieldChain(t.substring(dot)), t, at + 2);
            }
            if (t.startsWith("\"")) {
                return new Const(unquote(t));
            }
            if (t.startsWith("`")) {
                return new Const(t.substring(1, t.length() - 1));
            }
            switch (t) {
                case "true", "false" -> {
                    return new Const(Boolean.parseBoolean(t));
                }
                case "nil" -> {
                    return new Const(null);
                }
                default -> { }
            }
            if (Character.isDigit(t.charAt(0)) || ((t.charAt(0) == '-' || t.charAt(0) == '+') && t.length() > 1)) {
                try {
                    if (t.matches("[+-]?\\d+")) {
                        return new Const(Long.parseLong(t));
                    }
                    return new Const(Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw parseError("bad number syntax: " + quoteToken(t));
                }
            }
            if (t.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                if (!FUNCS.contains(t)) {
                    throw parseError("function " + quoteToken(t) + " not defined");
                }
                return new Ident(t);
            }
            throw parseError("unexpected " + quoteToken(t) + " in operand");
        }

        private static final Set<String> FUNCS = Set.of("and", "or", "not", "len", "index", "eq", "ne", "lt", "le",
                "gt", "ge", "print", "println", "printf");

        private static List<String> fieldChain(String t) {
            List<String> out = new ArrayList<>();
            for (String part : t.substring(1).split("\\.", -1)) {
                out.add(part);
            }
            return out;
        }

        private String unquote(String t) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < t.length() - 1; i++) {
                char c = t.charAt(i);
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = t.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '\\', '"', '\'' -> b.append(e);
                    case 'x' -> {
                        b.append((char) Integer.parseInt(t.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    case 'u' -> {
                        b.appendCodePoint(Integer.parseInt(t.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> throw parseError("invalid syntax: " + t);
                }
            }
            return b.toString();
        }

        private void tokenize(String s) {
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (isSpace(c)) {
                    i++;
                } else if (c == '(' || c == ')' || c == '|' || c == ',') {
                    tokens.add(String.valueOf(c));
                    i++;
                } else if (c == ':' && s.startsWith(":=", i)) {
                    tokens.add(":=");
                    i += 2;
                } else if (c == '=') {
                    tokens.add("=");
                    i++;
                } else if (c == '"' || c == '`') {
                    int j = i + 1;
                    while (j < s.length() && s.charAt(j) != c) {
                        j += s.charAt(j) == '\\' && c == '"' ? 2 : 1;
                    }
                    if (j >= s.length()) {
                        throw parseError("unterminated quoted string");
                    }
                    tokens.add(s.substring(i, j + 1));
                    i = j + 1;
                } else {
                    int j = i;
                    while (j < s.length() && !isSpace(s.charAt(j)) && "()|,=\"`".indexOf(s.charAt(j)) < 0
                            && !s.startsWith(":=", j)) {
                        j++;
                    }
                    tokens.add(s.substring(i, j));
                    i = j;
                }
            }
        }

        // --- execution -----------------------------------------------------------------

        /** Variables in scope, innermost first. */
        private static final class Scope {
            final Scope parent;
            final String name;
            Object value;

            Scope(Scope parent, String name, Object value) {
                this.parent = parent;
                this.name = name;
                this.value = value;
            }

            Scope find(String n) {
                for (Scope s = this; s != null; s = s.parent) {
                    if (s.name.equals(n)) {
                        return s;
                    }
                }
                return null;
            }
        }

        private BuiltinException execError(String at, int pos, String msg) {
            String text = src.substring(0, Math.min(pos, src.length()));
            int col = pos - (text.lastIndexOf('\n') + 1);
            return BuiltinException.error("strings.render_template: template: template:" + line(pos) + ":" + col
                    + ": executing \"template\" at <" + at + ">: " + msg);
        }

        /** Runs the nodes; returns the innermost scope, which grows with each {@code $x :=}. */
        private Scope exec(List<Node> nodes, Object dot, Scope scope, StringBuilder out) {
            for (Node n : nodes) {
                switch (n) {
                    case Text t -> out.append(t.text());
                    case Print p -> {
                        Object[] r = evalPipe(p.pipe(), dot, scope);
                        scope = (Scope) r[1];
                        if (p.pipe().decl().isEmpty()) {
                            out.append(printTop(r[0]));
                        }
                    }
                    case IfNode i -> {
                        Object[] r = evalPipe(i.cond(), dot, scope);
                        exec(isTrue(r[0]) ? i.then() : i.otherwise(), dot, (Scope) r[1], out);
                    }
                    case WithNode w -> {
                        Object[] r = evalPipe(w.pipe(), dot, scope);
                        if (isTrue(r[0])) {
                            exec(w.body(), r[0], (Scope) r[1], out);
                        } else {
                            exec(w.otherwise(), dot, (Scope) r[1], out);
                        }
                    }
                    case RangeNode rn -> execRange(rn, dot, scope, out);
                }
            }
            return scope;
        }

        private void execRange(RangeNode rn, Object dot, Scope scope, StringBuilder out) {
            Pipe p = rn.pipe();
            Pipe bare = new Pipe(List.of(), false, p.cmds(), p.text(), p.at());
            Object val = evalPipe(bare, dot, scope)[0];
            List<Object[]> entries = new ArrayList<>();
            if (val instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    entries.add(new Object[] {(long) i, l.get(i)});
                }
            } else if (val instanceof Map<?, ?> m) {
                m.forEach((k, v) -> entries.add(new Object[] {k, v}));
            } else if (val != null && val != MISSING) {
                throw execError(p.text(), p.at(), "range can't iterate over " + printTop(val));
            }
            if (entries.isEmpty()) {
                exec(rn.otherwise(), dot, scope, out);
                return;
            }
            for (Object[] e : entries) {
                Scope s = scope;
                if (p.decl().size() == 1) {
                    s = new Scope(s, p.decl().get(0), e[1]);
                } else if (p.decl().size() == 2) {
                    s = new Scope(new Scope(s, p.decl().get(0), e[0]), p.decl().get(1), e[1]);
                }
                exec(rn.body(), e[1], s, out);
            }
        }

        /** The pipeline's value and the scope after its declarations. */
        private Object[] evalPipe(Pipe p, Object dot, Scope scope) {
            Object value = null;
            boolean first = true;
            for (List<Operand> cmd : p.cmds()) {
                value = evalCommand(cmd, dot, scope, first ? null : new Object[] {value}, p);
                first = false;
            }
            for (String v : p.decl()) {
                if (p.assign()) {
                    Scope s = scope.find(v);
                    if (s == null) {
                        throw execError(p.text(), p.at(), "undefined variable: " + v);
                    }
                    s.value = value;
                } else {
                    scope = new Scope(scope, v, value);
                }
            }
            return new Object[] {value, scope};
        }

        private Object evalCommand(List<Operand> cmd, Object dot, Scope scope, Object[] piped, Pipe p) {
            Operand head = cmd.get(0);
            if (head instanceof Ident f) {
                return call(f.name(), cmd.subList(1, cmd.size()), dot, scope, piped, p);
            }
            if (cmd.size() > 1 || piped != null) {
                throw execError(p.text(), p.at(), "can't give argument to non-function " + p.text());
            }
            return eval(head, dot, scope);
        }

        private Object eval(Operand o, Object dot, Scope scope) {
            return switch (o) {
                case Field f -> walk(dot, f.chain(), f.text(), f.at());
                case Var v -> {
                    Scope s = scope.find(v.name());
                    if (s == null) {
                        throw execError(v.text(), v.at(), "undefined variable: " + v.name());
                    }
                    yield walk(s.value, v.chain(), v.text(), v.at());
                }
                case Const c -> c.value();
                case Sub s -> walk(evalPipe(s.pipe(), dot, scope)[0], s.chain(), "(...)", s.pipe().at());
                case Ident i -> throw execError(i.name(), 0, "can't evaluate command " + quoteToken(i.name()));
            };
        }

        private Object walk(Object v, List<String> chain, String text, int at) {
            for (String name : chain) {
                if (v == MISSING) {
                    return MISSING;
                }
                if (v instanceof Map<?, ?> m) {
                    v = m.containsKey(name) ? m.get(name) : MISSING;
                } else if (v == null) {
                    throw execError(text, at, "nil pointer evaluating interface {}." + name);
                } else {
                    throw execError(text, at, "can't evaluate field " + name + " in type " + goType(v));
                }
            }
            return v;
        }

        private static String goType(Object v) {
            if (v instanceof String) {
                return "string";
            }
            if (v instanceof NumberValue) {
                return "json.Number";
            }
            if (v instanceof Boolean) {
                return "bool";
            }
            if (v instanceof Long) {
                return "int";
            }
            if (v instanceof Double) {
                return "float64";
            }
            return v instanceof List ? "[]interface {}" : "map[string]interface {}";
        }

        private Object call(String fn, List<Operand> operands, Object dot, Scope scope, Object[] piped, Pipe p) {
            // and/or evaluate lazily, so they get the operands themselves
            if (fn.equals("and") || fn.equals("or")) {
                List<Object> lazy = new ArrayList<>(operands);
                if (piped != null) {
                    lazy.add(new Const(piped[0]));
                }
                if (lazy.isEmpty()) {
                    throw execError(p.text(), p.at(), "wrong number of args for " + fn + ": want at least 1 got 0");
                }
                Object v = null;
                for (Object o : lazy) {
                    v = eval((Operand) o, dot, scope);
                    if (isTrue(v) == fn.equals("or")) {
                        return v;
                    }
                }
                return v;
            }
            List<Object> args = new ArrayList<>();
            for (Operand o : operands) {
                args.add(eval(o, dot, scope));
            }
            if (piped != null) {
                args.add(piped[0]);
            }
            return switch (fn) {
                case "not" -> {
                    arity(fn, args, 1, p);
                    yield !isTrue(args.get(0));
                }
                case "len" -> {
                    arity(fn, args, 1, p);
                    Object v = args.get(0);
                    if (v instanceof String s) {
                        yield (long) s.getBytes(StandardCharsets.UTF_8).length;
                    }
                    if (v instanceof NumberValue n) {
                        yield (long) n.toString().length();
                    }
                    if (v instanceof List<?> l) {
                        yield (long) l.size();
                    }
                    if (v instanceof Map<?, ?> m) {
                        yield (long) m.size();
                    }
                    throw execError(p.text(), p.at(), "error calling len: len of type " + (v == null ? "<nil>" : goType(v)));
                }
                case "index" -> {
                    if (args.isEmpty()) {
                        throw execError(p.text(), p.at(), "wrong number of args for index: want at least 1 got 0");
                    }
                    Object v = args.get(0);
                    for (Object k : args.subList(1, args.size())) {
                        v = index(v, k, p);
                    }
                    yield v;
                }
                case "eq", "ne", "lt", "le", "gt", "ge" -> compare(fn, args, p);
                case "print", "println" -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < args.size(); i++) {
                        boolean str = args.get(i) instanceof String || args.get(i) instanceof NumberValue;
                        boolean prevStr = i > 0 && (args.get(i - 1) instanceof String || args.get(i - 1) instanceof NumberValue);
                        if (i > 0 && (fn.equals("println") || (!str && !prevStr))) {
                            b.append(' ');
                        }
                        b.append(print(args.get(i)));
                    }
                    yield fn.equals("println") ? b.append('\n').toString() : b.toString();
                }
                default -> { // printf
                    if (args.isEmpty() || !(args.get(0) instanceof String format)) {
                        throw execError(p.text(), p.at(), "wrong type for value; expected string");
                    }
                    Object[] fa = new Object[args.size() - 1];
                    for (int i = 1; i < args.size(); i++) {
                        Object a = args.get(i);
                        fa[i - 1] = a instanceof Long || a instanceof Double || a instanceof String ? a : print(a);
                    }
                    yield GoFmt.sprintf(format, fa);
                }
            };
        }

        private void arity(String fn, List<Object> args, int n, Pipe p) {
            if (args.size() != n) {
                throw execError(p.text(), p.at(), "wrong number of args for " + fn + ": want " + n + " got " + args.size());
            }
        }

        private Object index(Object v, Object key, Pipe p) {
            if (v instanceof List<?> l) {
                if (!(key instanceof Long i)) {
                    throw execError(p.text(), p.at(), "error calling index: cannot index slice/array with type " + goType(key));
                }
                if (i < 0 || i >= l.size()) {
                    throw execError(p.text(), p.at(), "error calling index: index out of range: " + i);
                }
                return l.get(i.intValue());
            }
            if (v instanceof Map<?, ?> m) {
                if (!(key instanceof String k)) {
                    throw execError(p.text(), p.at(), "error calling index: value has type " + goType(key)
                            + "; should be string");
                }
                return m.get(k);
            }
            throw execError(p.text(), p.at(), "error calling index: can't index item of type " + (v == null ? "<nil>" : goType(v)));
        }

        private Object compare(String fn, List<Object> args, Pipe p) {
            if (args.size() < 2 || (!fn.equals("eq") && args.size() != 2)) {
                throw execError(p.text(), p.at(), "wrong number of args for " + fn + ": want 2 got " + args.size());
            }
            Object a = args.get(0);
            if (fn.equals("eq")) {
                for (Object b : args.subList(1, args.size())) {
                    if (compareBasic(a, b, fn, p) == 0) {
                        return true;
                    }
                }
                return false;
            }
            int c = compareBasic(a, args.get(1), fn, p);
            return switch (fn) {
                case "ne" -> c != 0;
                case "lt" -> c < 0;
                case "le" -> c <= 0;
                case "gt" -> c > 0;
                default -> c >= 0;
            };
        }

        /** Go's basic comparisons: strings with strings, numbers with numbers, booleans with booleans (eq/ne only). */
        private int compareBasic(Object a, Object b, String fn, Pipe p) {
            a = a instanceof NumberValue n ? n.toString() : a; // json.Number is a string kind
            b = b instanceof NumberValue n ? n.toString() : b;
            if (a instanceof String x && b instanceof String y) {
                return StringValue.compareCodePoints(x, y);
            }
            if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
                return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
            }
            if (a instanceof Boolean x && b instanceof Boolean y && (fn.equals("eq") || fn.equals("ne"))) {
                return x.equals(y) ? 0 : 1;
            }
            throw execError(p.text(), p.at(), "error calling " + fn + ": incompatible types for comparison");
        }

        private static boolean isTrue(Object v) {
            if (v == null || v == MISSING) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s) {
                return !s.isEmpty();
            }
            if (v instanceof Long l) {
                return l != 0;
            }
            if (v instanceof Double d) {
                return d != 0;
            }
            if (v instanceof List<?> l) {
                return !l.isEmpty();
            }
            if (v instanceof Map<?, ?> m) {
                return !m.isEmpty();
            }
            return true; // json.Number: a non-empty string
        }

        private static String printTop(Object v) {
            return v == null ? "<no value>" : print(v);
        }

        /** fmt.Print of a decoded JSON value: {@code [a b]}, {@code map[k:v]}, nil inside as {@code <nil>}. */
        private static String print(Object v) {
            if (v == null) {
                return "<nil>";
            }
            if (v instanceof List<?> l) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    b.append(i > 0 ? " " : "").append(print(l.get(i)));
                }
                return b.append(']').toString();
            }
            if (v instanceof Map<?, ?> m) {
                StringBuilder b = new StringBuilder("map[");
                boolean firstEntry = true;
                for (var e : m.entrySet()) {
                    b.append(firstEntry ? "" : " ").append(e.getKey()).append(':').append(print(e.getValue()));
                    firstEntry = false;
                }
                return b.append(']').toString();
            }
            if (v instanceof Double d) {
                return GoFloat.format(d, 'g', -1);
            }
            return v.toString();
        }
    }
}
