package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Built-ins: {@code glob.match} and {@code glob.quote_meta}, with the pattern language of the Go
 * library OPA uses (gobwas/glob): {@code *} matches any run of non-delimiter characters,
 * {@code **} any run at all, {@code ?} one non-delimiter character, {@code [abc]}, {@code [a-z]},
 * {@code [!...]} one character (delimiters included), {@code {a,b}} alternatives (which may nest
 * and contain any of the above), and {@code \} escapes the next character. The delimiters operand
 * is an array of one-character strings; {@code []} means the default {@code ["."]} and
 * {@code null} means no delimiters at all.
 *
 * <p>Patterns compile to a small NFA that is simulated over the input, so matching takes time
 * linear in the input whatever the pattern; compiled patterns are cached.
 */
final class Glob {
    private static final int CACHE_SIZE = 100;
    private static final Map<String, Nfa> CACHE = new ConcurrentHashMap<>();
    private static final String SPECIALS = "*?\\[]{}";

    private Glob() {
    }

    static void register(Registry.Builder r) {
        r.fn("glob.match", 3, Glob::match);
        r.fn("glob.quote_meta", 1, (ctx, a) -> StringValue.of(quoteMeta(Args.string("glob.quote_meta", a, 0))));
    }

    private static String quoteMeta(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (SPECIALS.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static Value match(BuiltinContext ctx, Value[] args) {
        String pattern = Args.string("glob.match", args, 0);
        int[] delimiters;
        if (args[1] instanceof NullValue) {
            delimiters = new int[0];
        } else if (args[1] instanceof ArrayValue arr) {
            delimiters = new int[arr.size()];
            for (int i = 0; i < arr.size(); i++) {
                if (!(arr.get(i) instanceof StringValue s)) {
                    throw Strings.elementError("glob.match", 1, arr, arr.get(i), "string");
                }
                if (s.value().codePointCount(0, s.value().length()) != 1) {
                    throw Strings.elementError("glob.match", 1, arr, s, "rune");
                }
                delimiters[i] = s.value().codePointAt(0);
            }
            if (delimiters.length == 0) {
                delimiters = new int[] {'.'};
            }
        } else {
            throw Args.typeError("glob.match", 1, args[1], "array", "null");
        }
        String subject = Args.string("glob.match", args, 2);
        String key = pattern + "-" + new String(delimiters, 0, delimiters.length);
        Nfa nfa = CACHE.get(key);
        if (nfa == null) {
            try {
                nfa = Nfa.compile(new Parser(pattern).parse(), delimiters);
            } catch (IllegalArgumentException e) {
                throw BuiltinException.error("glob.match: " + e.getMessage());
            }
            if (CACHE.size() >= CACHE_SIZE) {
                Iterator<String> it = CACHE.keySet().iterator();
                if (it.hasNext()) {
                    CACHE.remove(it.next());
                }
            }
            CACHE.put(key, nfa);
        }
        return BooleanValue.of(nfa.matches(subject));
    }

    // --- syntax tree --------------------------------------------------------------------

    private sealed interface Node permits Text, Any, Super, Single, CharSet, Seq, AnyOf { }

    private record Text(String text) implements Node { }

    /** {@code *}: any run of non-delimiters. */
    private record Any() implements Node { }

    /** {@code **}: any run. */
    private record Super() implements Node { }

    /** {@code ?}: one non-delimiter. */
    private record Single() implements Node { }

    /** {@code [abc]} or {@code [a-z]}, negated with {@code !}: exactly one character. */
    private record CharSet(String chars, int lo, int hi, boolean not) implements Node {
        boolean test(int c) {
            boolean in = chars != null ? chars.indexOf(Character.toString(c)) >= 0 : c >= lo && c <= hi;
            return in != not;
        }
    }

    private record Seq(List<Node> items) implements Node { }

    private record AnyOf(List<Node> alternatives) implements Node { }

    /**
     * gobwas/glob's lexer and parser in one pass. An unclosed {@code {} is accepted (its
     * alternatives end with the pattern); an unclosed or malformed {@code [} is an error with the
     * library's message; a trailing backslash is dropped.
     */
    private static final class Parser {
        private final int[] p;
        private int i;
        private int termsLevel;

        Parser(String pattern) {
            this.p = pattern.codePoints().toArray();
        }

        Node parse() {
            return seq();
        }

        private Node seq() {
            List<Node> items = new ArrayList<>();
            while (i < p.length) {
                int c = p[i];
                if (termsLevel > 0 && (c == ',' || c == '}')) {
                    break;
                }
                switch (c) {
                    case '{' -> {
                        i++;
                        termsLevel++;
                        List<Node> alts = new ArrayList<>();
                        while (true) {
                            alts.add(seq());
                            if (i < p.length && p[i] == ',') {
                                i++;
                                continue;
                            }
                            if (i < p.length && p[i] == '}') {
                                i++;
                            }
                            break;
                        }
                        termsLevel--;
                        items.add(new AnyOf(alts));
                    }
                    case '[' -> {
                        i++;
                        items.add(range());
                    }
                    case '?' -> {
                        i++;
                        items.add(new Single());
                    }
                    case '*' -> {
                        i++;
                        if (i < p.length && p[i] == '*') {
                            i++;
                            items.add(new Super());
                        } else {
                            items.add(new Any());
                        }
                    }
                    default -> {
                        String text = text(termsLevel > 0 ? "?*[{},".codePoints().toArray() : "?*[{".codePoints().toArray());
                        if (!text.isEmpty()) {
                            items.add(new Text(text));
                        }
                    }
                }
            }
            return new Seq(items);
        }

        /** Literal characters up to an unescaped breaker; escapes resolved. */
        private String text(int[] breakers) {
            StringBuilder b = new StringBuilder();
            boolean escaped = false;
            while (i < p.length) {
                int c = p[i];
                if (!escaped) {
                    if (c == '\\') {
                        escaped = true;
                        i++;
                        continue;
                    }
                    if (contains(breakers, c)) {
                        break;
                    }
                }
                escaped = false;
                b.appendCodePoint(c);
                i++;
            }
            return b.toString();
        }

        private static boolean contains(int[] a, int c) {
            for (int x : a) {
                if (x == c) {
                    return true;
                }
            }
            return false;
        }

        /** After {@code [}: {@code !}? then either {@code lo-hi} or a list of characters, then {@code ]}. */
        private Node range() {
            boolean not = false;
            if (i < p.length && p[i] == '!') {
                not = true;
                i++;
            }
            if (i >= p.length) {
                throw new IllegalArgumentException("unexpected end of input");
            }
            if (i + 1 < p.length && p[i + 1] == '-') {
                int lo = p[i];
                i += 2;
                if (i >= p.length) {
                    throw new IllegalArgumentException("unexpected end of input");
                }
                int hi = p[i++];
                if (i >= p.length) {
                    throw new IllegalArgumentException("unexpected end of input");
                }
                if (p[i++] != ']') {
                    throw new IllegalArgumentException("expected close range character");
                }
                if (hi < lo) {
                    throw new IllegalArgumentException("hi character '" + Character.toString(hi)
                            + "' should be greater than lo '" + Character.toString(lo) + "'");
                }
                return new CharSet(null, lo, hi, not);
            }
            String chars = text(new int[] {']'});
            if (i >= p.length) {
                throw new IllegalArgumentException("unexpected end of input");
            }
            i++; // ]
            if (chars.isEmpty()) {
                throw new IllegalArgumentException("could not parse range");
            }
            return new CharSet(chars, 0, 0, not);
        }
    }

    // --- matching -----------------------------------------------------------------------

    /**
     * A Thompson NFA: state {@code s} either consumes one character matching {@code test[s]} and
     * moves to {@code next[s]}, or (when {@code test[s]} is null) moves without consuming to
     * {@code next[s]} and, if {@code alt[s] >= 0}, also to {@code alt[s]}. The last state accepts.
     */
    private static final class Nfa {
        private interface CharTest {
            boolean test(int c);
        }

        private final List<CharTest> test = new ArrayList<>();
        private final List<Integer> next = new ArrayList<>();
        private final List<Integer> alt = new ArrayList<>();
        private int accept;

        static Nfa compile(Node root, int[] delimiters) {
            Nfa n = new Nfa();
            CharTest notDelimiter = c -> !Parser.contains(delimiters, c);
            int end = n.build(root, n.state(null), notDelimiter);
            n.accept = end;
            return n;
        }

        private int state(CharTest t) {
            test.add(t);
            next.add(-1);
            alt.add(-1);
            return test.size() - 1;
        }

        /** Builds {@code node} starting at state {@code from}; returns the state reached after it. */
        private int build(Node node, int from, CharTest notDelimiter) {
            return switch (node) {
                case Text t -> {
                    int cur = from;
                    for (int c : t.text().codePoints().toArray()) {
                        cur = consume(cur, x -> x == c);
                    }
                    yield cur;
                }
                case Any a -> loop(from, notDelimiter);
                case Super s -> loop(from, x -> true);
                case Single s -> consume(from, notDelimiter);
                case CharSet cs -> consume(from, cs::test);
                case Seq s -> {
                    int cur = from;
                    for (Node item : s.items()) {
                        cur = build(item, cur, notDelimiter);
                    }
                    yield cur;
                }
                case AnyOf a -> {
                    int join = state(null);
                    int split = from;
                    for (int k = 0; k < a.alternatives().size(); k++) {
                        int start = state(null);
                        link(split, start);
                        if (k < a.alternatives().size() - 1) {
                            int nextSplit = state(null);
                            link(split, nextSplit);
                            split = nextSplit;
                        }
                        link(build(a.alternatives().get(k), start, notDelimiter), join);
                    }
                    yield join;
                }
            };
        }

        /** An epsilon edge; each epsilon state has at most two. */
        private void link(int from, int to) {
            if (next.get(from) < 0) {
                next.set(from, to);
            } else {
                alt.set(from, to);
            }
        }

        /** From {@code from} (an epsilon state), one character passing {@code t}. */
        private int consume(int from, CharTest t) {
            int c = state(t);
            link(from, c);
            int after = state(null);
            next.set(c, after);
            return after;
        }

        /** Zero or more characters passing {@code t}. */
        private int loop(int from, CharTest t) {
            int head = state(null);
            link(from, head);
            int c = state(t);
            link(head, c);
            next.set(c, head);
            int after = state(null);
            link(head, after);
            return after;
        }

        boolean matches(String s) {
            BitSet cur = new BitSet();
            close(0, cur);
            for (int k = 0; k < s.length() && !cur.isEmpty(); ) {
                int c = s.codePointAt(k);
                k += Character.charCount(c);
                BitSet nxt = new BitSet();
                for (int st = cur.nextSetBit(0); st >= 0; st = cur.nextSetBit(st + 1)) {
                    CharTest t = test.get(st);
                    if (t != null && t.test(c)) {
                        close(next.get(st), nxt);
                    }
                }
                cur = nxt;
            }
            return cur.get(accept);
        }

        /** Adds {@code st} and every state reachable from it without consuming. */
        private void close(int st, BitSet set) {
            if (st < 0 || set.get(st)) {
                return;
            }
            set.set(st);
            if (test.get(st) == null) {
                close(next.get(st), set);
                close(alt.get(st), set);
            }
        }
    }
}
