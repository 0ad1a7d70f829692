package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Built-ins: regular expressions ({@code regex.*}, {@code re_match}). Patterns use Go's RE2
 * syntax, which {@link GoRegexp} parses the way Go's {@code regexp/syntax} does (same accepted
 * language, same error messages, e.g. {@code error parsing regexp: missing closing ]: `[a`}) and
 * translates to an equivalent {@link java.util.regex.Pattern}: Go's {@code $} never matches before
 * a final newline, {@code \s \d \w} and POSIX classes are ASCII, {@code (?i)} folds Unicode, named
 * groups may contain underscores, and so on. Matching is leftmost-first like Go's; the "all
 * matches" functions follow Go's rule of ignoring an empty match right after a previous match.
 * Compiled patterns are kept in a bounded concurrent cache.
 *
 * <p>{@code regex.globs_match} decides, exactly, whether two of OPA's restricted glob-like
 * expressions ({@code .}, {@code [...]}, {@code *}, {@code +}, {@code \}) have a common non-empty
 * match, by exploring the product of their automata.
 */
final class Regex {
    private static final int CACHE_SIZE = 100;
    private static final Map<String, GoRegexp> CACHE = new ConcurrentHashMap<>();

    private Regex() {
    }

    static void register(Registry.Builder r) {
        r.fn("regex.match", 2, (ctx, a) -> match("regex.match", a));
        r.fn("re_match", 2, (ctx, a) -> match("re_match", a)); // deprecated alias
        r.fn("regex.is_valid", 1, (ctx, a) -> BooleanValue.of(a[0] instanceof StringValue s && isValid(s.value())));
        r.fn("regex.split", 2, Regex::split);
        r.fn("regex.find_n", 3, Regex::findN);
        r.fn("regex.find_all_string_submatch_n", 3, Regex::findAllSubmatch);
        r.fn("regex.replace", 3, Regex::replace);
        r.fn("regex.template_match", 4, Regex::templateMatch);
        r.fn("regex.globs_match", 2, Regex::globsMatch);
    }

    private static boolean isValid(String pattern) {
        try {
            GoRegexp.compile(pattern);
            return true;
        } catch (GoRegexp.SyntaxError e) {
            return false;
        }
    }

    /** The compiled pattern, cached; an invalid one is OPA's eval_builtin_error. */
    static GoRegexp compile(String fn, String pattern) {
        GoRegexp re = CACHE.get(pattern);
        if (re != null) {
            return re;
        }
        try {
            re = GoRegexp.compile(pattern);
        } catch (GoRegexp.SyntaxError e) {
            throw BuiltinException.error(fn + ": " + e.getMessage());
        }
        if (CACHE.size() >= CACHE_SIZE) {
            Iterator<String> it = CACHE.keySet().iterator();
            if (it.hasNext()) { // evict an arbitrary entry, as OPA does
                CACHE.remove(it.next());
            }
        }
        CACHE.put(pattern, re);
        return re;
    }

    private static Value match(String fn, Value[] args) {
        String pattern = Args.string(fn, args, 0);
        String s = Args.string(fn, args, 1);
        return BooleanValue.of(compile(fn, pattern).matcher(s).find());
    }

    private static Value split(BuiltinContext ctx, Value[] args) {
        String pattern = Args.string("regex.split", args, 0);
        String s = Args.string("regex.split", args, 1);
        GoRegexp re = compile("regex.split", pattern);
        List<Value> out = new ArrayList<>();
        if (!pattern.isEmpty() && s.isEmpty()) {
            return ArrayValue.of(StringValue.EMPTY);
        }
        int beg = 0;
        int end = 0;
        for (int[] m : re.findAll(s, -1)) {
            end = m[0];
            if (m[1] != 0) {
                out.add(StringValue.of(s.substring(beg, end)));
            }
            beg = m[1];
        }
        if (end != s.length()) {
            out.add(StringValue.of(s.substring(beg)));
        }
        return ArrayValue.of(out);
    }

    /** OPA's IntOperand: any integer that fits 64 bits; negative means "all". */
    private static int count(String fn, Value[] args, int i) {
        NumberValue n = Args.number(fn, args, i);
        if (!n.isInteger() || !n.isLong()) {
            throw BuiltinException.type(fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        }
        long v = n.longValue();
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v < 0 ? -1 : (int) v;
    }

    private static Value findN(BuiltinContext ctx, Value[] args) {
        String pattern = Args.string("regex.find_n", args, 0);
        String s = Args.string("regex.find_n", args, 1);
        int n = count("regex.find_n", args, 2);
        List<Value> out = new ArrayList<>();
        for (int[] m : compile("regex.find_n", pattern).findAll(s, n)) {
            out.add(StringValue.of(s.substring(m[0], m[1])));
        }
        return ArrayValue.of(out);
    }

    private static Value findAllSubmatch(BuiltinContext ctx, Value[] args) {
        String fn = "regex.find_all_string_submatch_n";
        String pattern = Args.string(fn, args, 0);
        String s = Args.string(fn, args, 1);
        int n = count(fn, args, 2);
        List<Value> out = new ArrayList<>();
        for (int[] m : compile(fn, pattern).findAll(s, n)) {
            Value[] groups = new Value[m.length / 2];
            for (int g = 0; g < groups.length; g++) {
                groups[g] = m[2 * g] < 0 ? StringValue.EMPTY : StringValue.of(s.substring(m[2 * g], m[2 * g + 1]));
            }
            out.add(ArrayValue.wrap(groups));
        }
        return ArrayValue.of(out);
    }

    private static Value replace(BuiltinContext ctx, Value[] args) {
        String s = Args.string("regex.replace", args, 0);
        String pattern = Args.string("regex.replace", args, 1);
        String template = Args.string("regex.replace", args, 2);
        return StringValue.of(compile("regex.replace", pattern).replaceAll(s, template));
    }

    /** Matches against a template like {@code urn:foo:{.*}} whose delimited parts are regular expressions. */
    private static Value templateMatch(BuiltinContext ctx, Value[] args) {
        String fn = "regex.template_match";
        String template = Args.string(fn, args, 0);
        String s = Args.string(fn, args, 1);
        String start = Args.string(fn, args, 2);
        String end = Args.string(fn, args, 3);
        int startLen = start.getBytes(StandardCharsets.UTF_8).length;
        if (startLen != 1) {
            throw BuiltinException.error(fn + ": start delimiter has to be exactly one character long but is " + startLen + " long");
        }
        if (end.getBytes(StandardCharsets.UTF_8).length != 1) {
            // OPA reports the start delimiter's length here
            throw BuiltinException.error(fn + ": end delimiter has to be exactly one character long but is " + startLen + " long");
        }
        char open = start.charAt(0);
        char close = end.charAt(0);
        List<Integer> idxs = new ArrayList<>();
        int level = 0;
        int idx = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == open) {
                if (++level == 1) {
                    idx = i;
                }
            } else if (c == close) {
                if (--level == 0) {
                    idxs.add(idx);
                    idxs.add(i + 1);
                } else if (level < 0) {
                    throw unbalanced(fn, template);
                }
            }
        }
        if (level != 0) {
            throw unbalanced(fn, template);
        }
        StringBuilder pattern = new StringBuilder("^");
        int last = 0;
        for (int i = 0; i < idxs.size(); i += 2) {
            String raw = template.substring(last, idxs.get(i));
            last = idxs.get(i + 1);
            String inner = template.substring(idxs.get(i) + 1, last - 1);
            pattern.append(quoteMeta(raw)).append('(').append(inner).append(')');
            compile(fn, "^" + inner + "$"); // each part must be a valid expression by itself
        }
        pattern.append(quoteMeta(template.substring(last))).append('$');
        return BooleanValue.of(compile(fn, pattern.toString()).matcher(s).find());
    }

    private static BuiltinException unbalanced(String fn, String template) {
        return BuiltinException.error(fn + ": unbalanced braces in " + Strings.GoFmt.quote(template, false));
    }

    /** Go's regexp.QuoteMeta. */
    static String quoteMeta(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static Value globsMatch(BuiltinContext ctx, Value[] args) {
        String a = Args.string("regex.globs_match", args, 0);
        String b = Args.string("regex.globs_match", args, 1);
        try {
            return BooleanValue.of(GlobIntersection.nonEmpty(a, b));
        } catch (IllegalArgumentException e) {
            throw BuiltinException.error("regex.globs_match: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------

    /**
     * A Go (RE2, Perl flags) regular expression compiled to a Java pattern. Parsing follows Go's
     * {@code regexp/syntax} closely enough to accept and reject the same expressions with the
     * same messages; every construct is emitted in a self-contained Java form so that Java's own
     * flags and conventions never leak in.
     */
    static final class GoRegexp {
        /** Go's {@code *syntax.Error}: "error parsing regexp: CODE: `EXPR`". */
        static final class SyntaxError extends Exception {
            SyntaxError(String code, String expr) {
                super("error parsing regexp: " + code + ": `" + expr + "`", null, false, false);
            }
        }

        private final Pattern pattern;
        private final int numGroups;
        /** Group names by group number (index 0 unused); null for unnamed groups. */
        private final String[] names;

        private GoRegexp(Pattern pattern, int numGroups, String[] names) {
            this.pattern = pattern;
            this.numGroups = numGroups;
            this.names = names;
        }

        static GoRegexp compile(String expr) throws SyntaxError {
            Translator t = new Translator(expr);
            String java = t.translate();
            try {
                // A pattern with a literal supplementary character makes Java try matches at code
                // point boundaries only (never between the halves of a surrogate pair); this
                // never-matching prefix provides one.
                java = "(?:(?!)\uD800\uDC00)?" + java;
                return new GoRegexp(Pattern.compile(java), t.numCap, t.names.toArray(new String[0]));
            } catch (PatternSyntaxException e) {
                // the translation is meant to be valid Java; if not, report it like a Go error
                throw new SyntaxError("regexp/syntax: internal error", expr);
            }
        }

        Matcher matcher(String s) {
            return pattern.matcher(s);
        }

        /**
         * Go's allMatches: successive non-overlapping matches, at most {@code n} ({@code n < 0}:
         * all); an empty match right after the previous match is skipped. Each result holds the
         * start and end of the match and of every group (-1 when a group did not take part).
         */
        List<int[]> findAll(String s, int n) {
            List<int[]> out = new ArrayList<>();
            Matcher m = pattern.matcher(s);
            int pos = 0;
            int prevEnd = -1;
            while ((n < 0 || out.size() < n) && pos <= s.length()) {
                if (!m.find(pos)) {
                    break;
                }
                boolean accept = true;
                if (m.end() == pos) { // an empty match at pos
                    if (m.start() == prevEnd) {
                        accept = false;
                    }
                    pos += pos < s.length() ? Character.charCount(s.codePointAt(pos)) : 1;
                } else {
                    pos = m.end();
                }
                prevEnd = m.end();
                if (accept) {
                    out.add(groups(m));
                }
            }
            return out;
        }

        private int[] groups(Matcher m) {
            int[] g = new int[2 * (numGroups + 1)];
            for (int i = 0; i <= numGroups; i++) {
                g[2 * i] = m.start(i);
                g[2 * i + 1] = m.end(i);
            }
            return g;
        }

        /** Go's ReplaceAllString: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} and {@code $$} expand. */
        String replaceAll(String src, String template) {
            StringBuilder out = new StringBuilder(src.length());
            Matcher m = pattern.matcher(src);
            int lastMatchEnd = 0;
            int searchPos = 0;
            while (searchPos <= src.length()) {
                if (!m.find(searchPos)) {
                    break;
                }
                out.append(src, lastMatchEnd, m.start());
                if (m.end() > lastMatchEnd || m.start() == 0) {
                    expand(out, template, src, groups(m));
                }
                lastMatchEnd = m.end();
                int width = searchPos < src.length() ? Character.charCount(src.codePointAt(searchPos)) : 0;
                if (searchPos + width > m.end()) {
                    searchPos += width;
                } else if (searchPos + 1 > m.end()) {
                    searchPos++;
                } else {
                    searchPos = m.end();
                }
            }
            out.append(src, lastMatchEnd, src.length());
            return out.toString();
        }

        private void expand(StringBuilder out, String template, String src, int[] match) {
            int i = 0;
            while (i < template.length()) {
                int dollar = template.indexOf('$', i);
                if (dollar < 0) {
                    break;
                }
                out.append(template, i, dollar);
                i = dollar + 1;
                if (i < template.length() && template.charAt(i) == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                // a name: letters, digits and underscores, optionally in braces
                boolean brace = i < template.length() && template.charAt(i) == '{';
                int j = brace ? i + 1 : i;
                int nameStart = j;
                while (j < template.length()) {
                    int c = template.codePointAt(j);
                    if (!Character.isLetter(c) && !Character.isDigit(c) && c != '_') {
                        break;
                    }
                    j += Character.charCount(c);
                }
                String name = template.substring(nameStart, j);
                if (name.isEmpty() || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
                    out.append('$'); // malformed: the $ is literal text
                    continue;
                }
                i = brace ? j + 1 : j;
                int num = groupNumber(name);
                if (num >= 0) {
                    if (num <= numGroups && match[2 * num] >= 0) {
                        out.append(src, match[2 * num], match[2 * num + 1]);
                    }
                } else {
                    for (int g = 1; g < names.length; g++) {
                        if (name.equals(names[g]) && match[2 * g] >= 0) {
                            out.append(src, match[2 * g], match[2 * g + 1]);
                            break;
                        }
                    }
                }
            }
            out.append(template, i, template.length());
        }

        /** The group number a name spells (ASCII digits, no leading zero), or -1. */
        private static int groupNumber(String name) {
            int num = 0;
            for (int k = 0; k < name.length(); k++) {
                char c = name.charAt(k);
                if (c < '0' || c > '9' || num >= 100_000_000) {
                    return -1;
                }
                num = num * 10 + (c - '0');
            }
            return name.charAt(0) == '0' && name.length() > 1 ? -1 : num;
        }
    }

    /** Parses Go regexp syntax and writes the equivalent Java pattern. */
    private static final class Translator {
        private static final int MAX_REPEAT = 1000;
        private static final long MAX_SIZE = (128L << 20) / 40;
        private static final String WORD = "0-9A-Za-z_";
        private static final Map<String, String> POSIX = Map.ofEntries(
                Map.entry("alnum", "0-9A-Za-z"), Map.entry("alpha", "A-Za-z"), Map.entry("ascii", "\\x{0}-\\x{7f}"),
                Map.entry("blank", "\\t "), Map.entry("cntrl", "\\x{0}-\\x{1f}\\x{7f}"), Map.entry("digit", "0-9"),
                Map.entry("graph", "!-~"), Map.entry("lower", "a-z"), Map.entry("print", " -~"),
                Map.entry("punct", "!-/:-@\\[-`{-~"), Map.entry("space", "\\t\\n\\x{b}\\f\\r "),
                Map.entry("upper", "A-Z"), Map.entry("word", WORD), Map.entry("xdigit", "0-9A-Fa-f"));
        private static final Map<Character, String> PERL = Map.of(
                'd', "0-9", 's', "\\t\\n\\f\\r ", 'w', WORD);
        private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt",
                "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",
                "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");

        private final String src;
        private int i;
        private final StringBuilder out = new StringBuilder();
        int numCap;
        final List<String> names = new ArrayList<>(List.of(""));

        // Go's parse flags
        private boolean foldCase;
        private boolean multiLine;
        private boolean dotNL;
        private boolean nonGreedy;

        /** One open group (or the whole expression, at the bottom of the stack). */
        private static final class Frame {
            final int outStart;
            final boolean[] savedFlags;
            boolean capture;
            /** The repeat budget the completed parts of this group need (see applyRepeat). */
            long need;
            /** Where the last atom starts in the output, or -1 right after "(" or "|". */
            int atomStart = -1;
            long atomNeed;
            boolean atomRepeated;
            /** Go's compiled-size estimate: finished alternatives, the current one so far, the last atom. */
            long altSum;
            int alts;
            long curSum;
            long atomSize;

            Frame(int outStart, boolean[] savedFlags) {
                this.outStart = outStart;
                this.savedFlags = savedFlags;
            }

            void fold() {
                need = Math.max(need, atomNeed);
                curSum += atomSize;
                atomSize = 0;
            }

            void endAlternative() {
                fold();
                altSum += Math.max(1, curSum);
                alts++;
                curSum = 0;
            }

            /** The size of the whole group's content: an alternation of its alternatives. */
            long size() {
                fold();
                return altSum + Math.max(1, curSum) + alts;
            }
        }

        private final Deque<Frame> stack = new ArrayDeque<>();

        Translator(String src) {
            this.src = src;
        }

        private GoRegexp.SyntaxError error(String code, String expr) {
            return new GoRegexp.SyntaxError(code, expr);
        }

        private boolean[] flags() {
            return new boolean[] {foldCase, multiLine, dotNL, nonGreedy};
        }

        private void restore(boolean[] f) {
            foldCase = f[0];
            multiLine = f[1];
            dotNL = f[2];
            nonGreedy = f[3];
        }

        String translate() throws GoRegexp.SyntaxError {
            stack.push(new Frame(0, flags()));
            String lastRepeat = "";
            while (i < src.length()) {
                String repeat = "";
                char c = src.charAt(i);
                switch (c) {
                    case '(' -> openGroup();
                    case '|' -> {
                        Frame f = stack.peek();
                        f.endAlternative();
                        f.atomStart = -1;
                        f.atomNeed = 0;
                        out.append('|');
                        i++;
                    }
                    case ')' -> closeGroup();
                    case '^' -> {
                        atom(multiLine ? "(?:^|(?<=\\n))" : "(?:^)");
                        i++;
                    }
                    case '$' -> {
                        atom(multiLine ? "(?=\\n|\\z)" : "(?:\\z)");
                        i++;
                    }
                    case '.' -> {
                        atom(dotNL ? "[\\x{0}-\\x{10ffff}]" : "[^\\n]");
                        i++;
                    }
                    case '[' -> atom(parseClass());
                    case '*', '+', '?' -> {
                        int before = i;
                        i++;
                        repeat = applyRepeat(String.valueOf(c), c == '+' ? 1 : 0, c == '?' ? 1 : -1, before, lastRepeat, false);
                    }
                    case '{' -> {
                        int before = i;
                        int[] r = parseRepeat();
                        if (r == null) {
                            atom(literal('{'));
                            i++;
                        } else {
                            int min = r[0];
                            int max = r[1];
                            i = r[2];
                            if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
                                throw error("invalid repeat count", src.substring(before, i));
                            }
                            String q = max == min ? "{" + min + "}" : max < 0 ? "{" + min + ",}" : "{" + min + "," + max + "}";
                            repeat = applyRepeat(q, min, max, before, lastRepeat, true);
                        }
                    }
                    case '\\' -> escape();
                    default -> {
                        int cp = src.codePointAt(i);
                        atom(literal(cp));
                        i += Character.charCount(cp);
                    }
                }
                lastRepeat = repeat;
            }
            if (stack.size() != 1) {
                throw error("missing closing )", src);
            }
            checkSize(stack.peek().size());
            return out.toString();
        }

        /** Appends one self-contained atom (an operand a quantifier may follow). */
        private void atom(String java) {
            Frame f = stack.peek();
            f.fold();
            f.atomStart = out.length();
            f.atomNeed = 0;
            f.atomSize = 1;
            f.atomRepeated = false;
            out.append(java);
        }

        /** Go refuses expressions whose compiled program would be too large (128 MB of instructions). */
        private void checkSize(long size) throws GoRegexp.SyntaxError {
            if (size > MAX_SIZE) {
                throw error("expression too large", src);
            }
        }

        private String literal(int cp) {
            String s = Character.isLetterOrDigit(cp) && cp < 0x80 ? Character.toString(cp) : hex(cp);
            return foldCase ? "(?iu:" + s + ")" : s;
        }

        private static String hex(int cp) {
            return "\\x{" + Integer.toHexString(cp) + "}";
        }

        /**
         * Applies a repetition operator to the last atom. {@code src[before, i)} is the operator
         * just read; a trailing {@code ?} makes it non-greedy. Returns the operator text, for Go's
         * "invalid nested repetition operator" check on the next token.
         */
        private String applyRepeat(String quant, int min, int max, int before, String lastRepeat, boolean counted)
                throws GoRegexp.SyntaxError {
            boolean lazy = nonGreedy;
            if (i < src.length() && src.charAt(i) == '?') {
                i++;
                lazy = !lazy;
            }
            String op = src.substring(before, i);
            if (!lastRepeat.isEmpty()) {
                throw error("invalid nested repetition operator", lastRepeat + op);
            }
            Frame f = stack.peek();
            if (f.atomStart < 0) {
                throw error("missing argument to repetition operator", op);
            }
            long sub = f.atomSize;
            long size;
            if (!counted) {
                size = (max < 0 && min == 0 ? 2 : 1) + sub;
            } else if (max < 0) {
                size = min == 0 ? 2 + sub : 1 + min * sub;
            } else {
                size = max * sub + (max - min);
            }
            f.atomSize = Math.max(1, size);
            checkSize(f.atomSize);
            if (counted) {
                // Go limits nested counted repetitions to 1000 copies of the innermost thing.
                long m = max == 0 ? 0 : max < 0 ? min : max;
                long need = max == 0 ? 0 : m == 0 ? f.atomNeed : Math.max(m, f.atomNeed * m);
                f.atomNeed = need;
                if ((min >= 2 || max >= 2) && need > MAX_REPEAT) {
                    throw error("invalid repeat count", op);
                }
            }
            if (f.atomRepeated) {
                out.insert(f.atomStart, "(?:").append(')');
            }
            out.append(quant).append(lazy ? "?" : "");
            f.atomRepeated = true;
            return op;
        }

        /** Go's parseRepeat at {@code {}: {min, max (-1: none), end index}, or null if not a repeat. */
        private int[] parseRepeat() {
            int j = i + 1;
            int[] n = parseInt(j);
            if (n == null) {
                return null;
            }
            int min = n[0];
            j = n[1];
            int max;
            if (j >= src.length()) {
                return null;
            }
            if (src.charAt(j) != ',') {
                max = min;
            } else {
                j++;
                if (j >= src.length()) {
                    return null;
                }
                if (src.charAt(j) == '}') {
                    max = -1;
                } else {
                    int[] m = parseInt(j);
                    if (m == null) {
                        return null;
                    }
                    max = m[0];
                    j = m[1];
                    if (max < 0) {
                        min = -1; // too big
                    }
                }
            }
            if (j >= src.length() || src.charAt(j) != '}') {
                return null;
            }
            return new int[] {min, max, j + 1};
        }

        /** A decimal integer without leading zeros: {value (-1 if huge), end}, or null. */
        private int[] parseInt(int j) {
            if (j >= src.length() || !isDigit(src.charAt(j))) {
                return null;
            }
            if (j + 1 < src.length() && src.charAt(j) == '0' && isDigit(src.charAt(j + 1))) {
                return null;
            }
            int start = j;
            while (j < src.length() && isDigit(src.charAt(j))) {
                j++;
            }
            int n = 0;
            for (int k = start; k < j; k++) {
                if (n >= 100_000_000) {
                    n = -1;
                    break;
                }
                n = n * 10 + (src.charAt(k) - '0');
            }
            return new int[] {n, j};
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private void openGroup() throws GoRegexp.SyntaxError {
            if (src.startsWith("(?", i)) {
                String t = src.substring(i);
                boolean p = t.length() > 4 && t.charAt(2) == 'P' && t.charAt(3) == '<';
                boolean angle = t.length() > 3 && t.charAt(2) == '<';
                if (p || angle) {
                    int end = t.indexOf('>');
                    if (end < 0) {
                        throw error("invalid named capture", t);
                    }
                    String name = t.substring(p ? 4 : 3, end);
                    if (!name.matches("[A-Za-z0-9_]+")) {
                        throw error("invalid named capture", t.substring(0, end + 1));
                    }
                    i += end + 1;
                    pushGroup(true, name);
                    return;
                }
                parsePerlFlags();
                return;
            }
            i++;
            pushGroup(true, null);
        }

        private void pushGroup(boolean capture, String name) {
            Frame parent = stack.peek();
            parent.fold();
            parent.atomStart = -1; // nothing to repeat until the group closes
            parent.atomNeed = 0;
            Frame f = new Frame(out.length(), flags());
            f.capture = capture;
            stack.push(f);
            if (capture) {
                numCap++;
                names.add(name);
                out.append('(');
            } else {
                out.append("(?:");
            }
        }

        /** {@code (?flags)} or {@code (?flags:...}: i, m, s and U, negated after '-'. */
        private void parsePerlFlags() throws GoRegexp.SyntaxError {
            int start = i;
            int j = i + 2;
            boolean[] f = flags();
            boolean negate = false;
            boolean sawFlag = false;
            while (j < src.length()) {
                int c = src.codePointAt(j);
                j += Character.charCount(c);
                switch (c) {
                    case 'i', 'm', 's', 'U' -> {
                        int k = c == 'i' ? 0 : c == 'm' ? 1 : c == 's' ? 2 : 3;
                        f[k] = !negate;
                        sawFlag = true;
                    }
                    case '-' -> {
                        if (negate) {
                            throw error("invalid or unsupported Perl syntax", src.substring(start, j));
                        }
                        negate = true;
                        sawFlag = false;
                    }
                    case ':', ')' -> {
                        if (negate && !sawFlag) {
                            throw error("invalid or unsupported Perl syntax", src.substring(start, j));
                        }
                        i = j;
                        if (c == ':') {
                            pushGroup(false, null);
                        }
                        restore(f);
                        return;
                    }
                    default -> throw error("invalid or unsupported Perl syntax", src.substring(start, j));
                }
            }
            throw error("invalid or unsupported Perl syntax", src.substring(start));
        }

        private void closeGroup() throws GoRegexp.SyntaxError {
            if (stack.size() < 2) {
                throw error("unexpected )", src);
            }
            Frame f = stack.pop();
            long size = f.size() + (f.capture ? 2 : 0);
            checkSize(size);
            restore(f.savedFlags);
            out.append(')');
            i++;
            Frame parent = stack.peek();
            parent.atomStart = f.outStart;
            parent.atomNeed = f.need;
            parent.atomSize = size;
            parent.atomRepeated = false;
        }

        private void escape() throws GoRegexp.SyntaxError {
            if (i + 1 < src.length()) {
                char c = src.charAt(i + 1);
                switch (c) {
                    case 'A' -> {
                        atom("(?:\\A)");
                        i += 2;
                        return;
                    }
                    case 'z' -> {
                        atom("(?:\\z)");
                        i += 2;
                        return;
                    }
                    case 'b', 'B' -> {
                        atom(c == 'b' ? "(?:" + WORD_BOUNDARY + ")" : "(?!" + WORD_BOUNDARY + ")");
                        i += 2;
                        return;
                    }
                    case 'C' -> throw error("invalid escape sequence", "\\C");
                    case 'Q' -> {
                        int end = src.indexOf("\\E", i + 2);
                        String lit = end < 0 ? src.substring(i + 2) : src.substring(i + 2, end);
                        i = end < 0 ? src.length() : end + 2;
                        lit.codePoints().forEach(cp -> atom(literal(cp)));
                        return;
                    }
                    case 'p', 'P' -> {
                        atom(fold(unicodeClass(false)));
                        return;
                    }
                    default -> {
                        String perl = perlClass();
                        if (perl != null) {
                            atom(fold(perl));
                            return;
                        }
                    }
                }
            }
            atom(literal(parseEscape()));
        }

        /** ASCII word boundary, independent of Java's own \b and of case folding. */
        private static final String WORD_BOUNDARY =
                "(?-iu:(?<=[" + WORD + "])(?![" + WORD + "])|(?<![" + WORD + "])(?=[" + WORD + "]))";

        private String fold(String cls) {
            return foldCase ? "(?iu:" + cls + ")" : cls;
        }

        /** {@code \d \D \s \S \w \W} at i as a Java class, or null. */
        private String perlClass() {
            if (i + 1 >= src.length()) {
                return null;
            }
            char c = src.charAt(i + 1);
            String set = PERL.get(Character.toLowerCase(c));
            if (set == null) {
                return null;
            }
            i += 2;
            return Character.isUpperCase(c) ? "[^" + set + "]" : "[" + set + "]";
        }

        /** {@code \pN}, {@code \p{Name}}, {@code \PN}, {@code \p{^Name}} at i, as a Java class. */
        private String unicodeClass(boolean inClass) throws GoRegexp.SyntaxError {
            int start = i;
            boolean negate = src.charAt(i + 1) == 'P';
            int j = i + 2;
            String seq;
            String name;
            if (j < src.length() && src.charAt(j) == '{') {
                int end = src.indexOf('}', j);
                if (end < 0) {
                    throw error("invalid character class range", src.substring(start));
                }
                seq = src.substring(start, end + 1);
                name = src.substring(j + 1, end);
                j = end + 1;
            } else {
                if (j < src.length()) {
                    j += Character.charCount(src.codePointAt(j));
                }
                seq = src.substring(start, j);
                name = seq.substring(2);
            }
            if (name.startsWith("^")) {
                negate = !negate;
                name = name.substring(1);
            }
            String body;
            if (name.equals("Any")) {
                body = "\\x{0}-\\x{10ffff}";
            } else if (CATEGORIES.contains(name)) {
                body = "\\p{" + name + "}";
            } else if (isScript(name)) {
                body = "\\p{Is" + name + "}";
            } else {
                throw error("invalid character class range", seq);
            }
            i = j;
            if (inClass && !negate) {
                return body;
            }
            return (negate ? "[^" : "[") + body + "]";
        }

        private static boolean isScript(String name) {
            if (name.isEmpty() || !Character.isUpperCase(name.charAt(0)) || !name.matches("[A-Za-z_]+")) {
                return false;
            }
            try {
                Character.UnicodeScript s = Character.UnicodeScript.forName(name);
                // Go knows scripts by their full names only, not by Java's aliases like "Latn"
                return s != Character.UnicodeScript.UNKNOWN && s.name().equalsIgnoreCase(name);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** Go's parseEscape at i: the rune an escape sequence stands for. */
        private int parseEscape() throws GoRegexp.SyntaxError {
            int start = i;
            int j = i + 1;
            if (j >= src.length()) {
                throw error("trailing backslash at end of expression", "");
            }
            int c = src.codePointAt(j);
            j += Character.charCount(c);
            switch (c) {
                case '1', '2', '3', '4', '5', '6', '7', '0' -> {
                    if (c != '0' && (j >= src.length() || src.charAt(j) < '0' || src.charAt(j) > '7')) {
                        break; // a backreference: unsupported
                    }
                    int r = c - '0';
                    for (int k = 1; k < 3 && j < src.length() && src.charAt(j) >= '0' && src.charAt(j) <= '7'; k++) {
                        r = r * 8 + (src.charAt(j++) - '0');
                    }
                    i = j;
                    return r;
                }
                case 'x' -> {
                    if (j >= src.length()) {
                        break;
                    }
                    int d = src.codePointAt(j);
                    j += Character.charCount(d);
                    if (d == '{') {
                        int r = 0;
                        int nhex = 0;
                        while (true) {
                            if (j >= src.length()) {
                                throw error("invalid escape sequence", src.substring(start, j));
                            }
                            int h = src.codePointAt(j);
                            j += Character.charCount(h);
                            if (h == '}') {
                                break;
                            }
                            int v = Character.digit(h, 16);
                            if (v < 0 || h > 'f') {
                                throw error("invalid escape sequence", src.substring(start, j));
                            }
                            r = r * 16 + v;
                            if (r > Character.MAX_CODE_POINT) {
                                throw error("invalid escape sequence", src.substring(start, j));
                            }
                            nhex++;
                        }
                        if (nhex == 0) {
                            throw error("invalid escape sequence", src.substring(start, j));
                        }
                        i = j;
                        return r;
                    }
                    if (j >= src.length()) {
                        break;
                    }
                    int e = src.codePointAt(j);
                    j += Character.charCount(e);
                    int x = d <= 'f' ? Character.digit(d, 16) : -1;
                    int y = e <= 'f' ? Character.digit(e, 16) : -1;
                    if (x < 0 || y < 0) {
                        break;
                    }
                    i = j;
                    return x * 16 + y;
                }
                case 'a' -> {
                    i = j;
                    return 7;
                }
                case 'f' -> {
                    i = j;
                    return '\f';
                }
                case 'n' -> {
                    i = j;
                    return '\n';
                }
                case 'r' -> {
                    i = j;
                    return '\r';
                }
                case 't' -> {
                    i = j;
                    return '\t';
                }
                case 'v' -> {
                    i = j;
                    return 0x0B;
                }
                default -> {
                    if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                        i = j; // escaped punctuation stands for itself
                        return c;
                    }
                }
            }
            throw error("invalid escape sequence", src.substring(start, j));
        }

        /** Go's parseClass at {@code [}: the whole class as one Java character class. */
        private String parseClass() throws GoRegexp.SyntaxError {
            int start = i;
            i++;
            StringBuilder items = new StringBuilder();
            boolean negate = false;
            if (i < src.length() && src.charAt(i) == '^') {
                negate = true;
                i++;
            }
            boolean first = true;
            while (i >= src.length() || src.charAt(i) != ']' || first) {
                first = false;
                if (i >= src.length()) {
                    throw error("missing closing ]", src.substring(start));
                }
                // POSIX [:alnum:]
                if (src.startsWith("[:", i)) {
                    int end = src.indexOf(":]", i + 2);
                    if (end >= 0) {
                        String name = src.substring(i, end + 2);
                        boolean neg = name.startsWith("[:^");
                        String set = POSIX.get(name.substring(neg ? 3 : 2, name.length() - 2));
                        if (set == null) {
                            throw error("invalid character class range", name);
                        }
                        items.append(neg ? "[^" + set + "]" : set);
                        i = end + 2;
                        continue;
                    }
                }
                if (src.startsWith("\\p", i) || src.startsWith("\\P", i)) {
                    items.append(unicodeClass(true));
                    continue;
                }
                String perl = perlClass();
                if (perl != null) {
                    items.append(perl.startsWith("[^") ? perl : perl.substring(1, perl.length() - 1));
                    continue;
                }
                int rangeStart = i;
                int lo = classChar(start);
                int hi = lo;
                if (i + 1 < src.length() && src.charAt(i) == '-' && src.charAt(i + 1) != ']') {
                    i++;
                    hi = classChar(start);
                    if (hi < lo) {
                        throw error("invalid character class range", src.substring(rangeStart, i));
                    }
                }
                items.append(hex(lo));
                if (hi != lo) {
                    items.append('-').append(hex(hi));
                }
            }
            i++; // ]
            return fold("[" + (negate ? "^" : "") + items + "]");
        }

        private int classChar(int classStart) throws GoRegexp.SyntaxError {
            if (i >= src.length()) {
                throw error("missing closing ]", src.substring(classStart));
            }
            if (src.charAt(i) == '\\') {
                return parseEscape();
            }
            int c = src.codePointAt(i);
            i += Character.charCount(c);
            return c;
        }
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Whether two of OPA's regexp-style globs (the {@code glob-intersection} syntax: {@code .}
     * any character, {@code [a-z]} sets, postfix {@code *} and {@code +}, {@code \} escapes) match a
     * common non-empty string. Two empty globs also count as intersecting, as in OPA.
     */
    static final class GlobIntersection {
        /** One position of a glob: a set of code point ranges {lo, hi} (null: any character), maybe repeated. */
        private record Token(List<int[]> ranges, boolean star) {
            boolean intersects(Token o) {
                if (ranges == null || o.ranges == null) {
                    return (ranges == null || !ranges.isEmpty()) && (o.ranges == null || !o.ranges.isEmpty());
                }
                for (int[] a : ranges) {
                    for (int[] b : o.ranges) {
                        if (a[0] <= b[1] && b[0] <= a[1]) {
                            return true;
                        }
                    }
                }
                return false;
            }
        }

        private GlobIntersection() {
        }

        static boolean nonEmpty(String a, String b) {
            List<Token> g1 = tokenize(a);
            List<Token> g2 = tokenize(b);
            if (g1.isEmpty() && g2.isEmpty()) {
                return true;
            }
            // Breadth-first search over (position in g1, position in g2, consumed a character yet).
            int w = g2.size() + 1;
            boolean[] seen = new boolean[(g1.size() + 1) * w * 2];
            Deque<int[]> queue = new ArrayDeque<>();
            queue.add(new int[] {0, 0, 0});
            while (!queue.isEmpty()) {
                int[] st = queue.poll();
                int p = st[0];
                int q = st[1];
                int key = (p * w + q) * 2 + st[2];
                if (seen[key]) {
                    continue;
                }
                seen[key] = true;
                if (st[2] == 1 && p == g1.size() && q == g2.size()) {
                    return true;
                }
                // a starred token may be skipped
                if (p < g1.size() && g1.get(p).star()) {
                    queue.add(new int[] {p + 1, q, st[2]});
                }
                if (q < g2.size() && g2.get(q).star()) {
                    queue.add(new int[] {p, q + 1, st[2]});
                }
                // or both consume one common character
                if (p < g1.size() && q < g2.size() && g1.get(p).intersects(g2.get(q))) {
                    int np = g1.get(p).star() ? p : p + 1;
                    int nq = g2.get(q).star() ? q : q + 1;
                    queue.add(new int[] {np, nq, 1});
                }
            }
            return false;
        }

        private static IllegalArgumentException invalid(int[] input, int pos, String msg) {
            return new IllegalArgumentException("input:" + new String(input, 0, input.length) + ", pos:" + pos + ", "
                    + msg + ": the input provided is invalid");
        }

        /** glob-intersection's tokenizer, with its error messages; {@code x+} becomes {@code x x*}. */
        private static List<Token> tokenize(String s) {
            int[] in = s.codePoints().toArray();
            List<Token> out = new ArrayList<>();
            int i = 0;
            while (i < in.length) {
                int[] r = nextRune(in, i);
                i = r[1];
                List<int[]> chars;
                if (r[2] == 0 && r[0] == '.') {
                    chars = null;
                } else if (r[2] == 0 && r[0] == ']') {
                    throw invalid(in, i, "set-close ']' with no preceding '['");
                } else if (r[2] == 0 && r[0] == '[') {
                    chars = new ArrayList<>();
                    i = parseSet(in, i, chars);
                } else if (r[2] == 0 && (r[0] == '*' || r[0] == '+')) {
                    throw invalid(in, i, "flag '" + Character.toString(r[0]) + "' must be preceded by a non-flag");
                } else {
                    chars = List.<int[]>of(new int[] {r[0], r[0]});
                }
                char flag = 0;
                if (i < in.length) {
                    int[] f = nextRune(in, i);
                    if (f[2] == 0 && (f[0] == '*' || f[0] == '+')) {
                        flag = (char) f[0];
                        i = f[1];
                    }
                }
                if (flag == '+') {
                    out.add(new Token(chars, false));
                }
                out.add(new Token(chars, flag != 0));
            }
            return out;
        }

        /** {rune, next index, escaped (0/1)}. */
        private static int[] nextRune(int[] in, int i) {
            if (in[i] == '\\') {
                if (i == in.length - 1) {
                    throw invalid(in, i, "input ends with a \\ (escape) character");
                }
                return new int[] {in[i + 1], i + 2, 1};
            }
            return new int[] {in[i], i + 1, 0};
        }

        private static int parseSet(int[] in, int i, List<int[]> chars) {
            int prev = 0;
            boolean prevExists = false;
            while (i < in.length) {
                int[] r = nextRune(in, i);
                i = r[1];
                if (r[2] == 1) {
                    chars.add(new int[] {r[0], r[0]});
                    prev = r[0];
                    prevExists = true;
                    continue;
                }
                switch (r[0]) {
                    case '-' -> {
                        if (!prevExists) {
                            throw invalid(in, i, "range character '-' must be preceded by a Unicode character");
                        }
                        if (i >= in.length - 1) {
                            throw invalid(in, i, "range character '-' must be followed by a Unicode character");
                        }
                        int[] hi = nextRune(in, i);
                        i = hi[1];
                        if (hi[2] == 0 && (hi[0] == ']' || hi[0] == '-')) {
                            throw invalid(in, i, "range character '-' cannot be followed by a special symbol");
                        }
                        if (hi[0] < prev) {
                            throw invalid(in, i, "range is out of order: '" + Character.toString(hi[0]) + "' comes before '"
                                    + Character.toString(prev) + "' in Unicode");
                        }
                        chars.add(new int[] {prev, hi[0]});
                        prevExists = false;
                    }
                    case ']' -> {
                        return i;
                    }
                    default -> {
                        chars.add(new int[] {r[0], r[0]});
                        prev = r[0];
                        prevExists = true;
                    }
                }
            }
            throw invalid(in, i, "found [ without matching ]");
        }
    }
}
