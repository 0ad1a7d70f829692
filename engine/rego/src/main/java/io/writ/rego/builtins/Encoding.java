package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Built-ins that convert between Rego values and text: base64, base64url, hex, JSON, YAML and URL query
 * encodings.
 *
 * <p>OPA implements these with Go's standard library (encoding/base64, encoding/hex, encoding/json, net/url)
 * and sigs.k8s.io/yaml on top of go-yaml v3, and its results and error messages are whatever those produce.
 * This class reproduces that behaviour: Go's base64 decoder (newlines ignored, exact error offsets), Go's JSON
 * encoder (keys sorted, sets as arrays, {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped) and syntax
 * errors, net/url's query escaping ({@code +} for space), and go-yaml v3's YAML 1.2 reading (so {@code yes} and
 * {@code on} stay strings and timestamps stay text) and its emitter (two-space indent, sequences not indented
 * under their key, lines folded at 80 columns, keys in go-yaml's natural order).
 *
 * <p>Strings are Java strings, so bytes that are not UTF-8 (from base64/hex/urlquery decoding) become U+FFFD,
 * where Go would keep the raw bytes.
 */
final class Encoding {
    private Encoding() {
    }

    static void register(Registry.Builder r) {
        registerBase64(r);
        registerHex(r);
        registerJson(r);
        registerYaml(r);
        registerUrlQuery(r);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes as a string; invalid UTF-8 becomes U+FFFD, the closest a Java string gets to Go's raw bytes. */
    private static StringValue text(byte[] bytes) {
        return StringValue.of(new String(bytes, StandardCharsets.UTF_8));
    }

    // ================================================================ base64

    private static final int[] STD_ALPHABET = decodeMap("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    private static final int[] URL_ALPHABET = decodeMap("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static void registerBase64(Registry.Builder r) {
        r.fn("base64.encode", 1, (ctx, a) ->
                StringValue.of(Base64.getEncoder().encodeToString(utf8(Args.string("base64.encode", a, 0)))));
        r.fn("base64.decode", 1, (ctx, a) ->
                text(base64Decode("base64.decode", utf8(Args.string("base64.decode", a, 0)), STD_ALPHABET)));
        r.fn("base64.is_valid", 1, (ctx, a) -> {
            if (!(a[0] instanceof StringValue s)) {
                return BooleanValue.of(false);
            }
            try {
                base64Decode("base64.is_valid", utf8(s.value()), STD_ALPHABET);
                return BooleanValue.of(true);
            } catch (BuiltinException e) {
                return BooleanValue.of(false);
            }
        });
        r.fn("base64url.encode", 1, (ctx, a) ->
                StringValue.of(Base64.getUrlEncoder().encodeToString(utf8(Args.string("base64url.encode", a, 0)))));
        r.fn("base64url.encode_no_pad", 1, (ctx, a) -> StringValue.of(
                Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(Args.string("base64url.encode_no_pad", a, 0)))));
        r.fn("base64url.decode", 1, (ctx, a) -> {
            String s = Args.string("base64url.decode", a, 0);
            // Unpadded input is padded first (RFC 7515 appendix C), counting bytes as Go does.
            if (!s.endsWith("=")) {
                switch (utf8(s).length % 4) {
                    case 2 -> s += "==";
                    case 3 -> s += "=";
                    case 1 -> throw BuiltinException.error("base64url.decode: illegal base64url string: " + s);
                    default -> {
                    }
                }
            }
            return text(base64Decode("base64url.decode", utf8(s), URL_ALPHABET));
        });
    }

    private static int[] decodeMap(String alphabet) {
        int[] map = new int[256];
        Arrays.fill(map, -1);
        for (int i = 0; i < alphabet.length(); i++) {
            map[alphabet.charAt(i)] = i;
        }
        return map;
    }

    /**
     * Go's padded base64 decoding (encoding/base64 StdEncoding / URLEncoding): CR and LF are skipped anywhere,
     * and errors name the offset of the offending byte exactly as Go's CorruptInputError does.
     */
    private static byte[] base64Decode(String fn, byte[] src, int[] alphabet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4);
        int si = 0;
        while (si < src.length) {
            int[] quantum = new int[4];
            int n = 4;
            for (int j = 0; j < 4; j++) {
                if (si == src.length) {
                    if (j == 0) {
                        return out.toByteArray();
                    }
                    throw corruptBase64(fn, si - j);
                }
                int in = src[si++] & 0xff;
                if (alphabet[in] >= 0) {
                    quantum[j] = alphabet[in];
                    continue;
                }
                if (in == '\n' || in == '\r') {
                    j--;
                    continue;
                }
                if (in != '=' || j < 2) {
                    throw corruptBase64(fn, si - 1);
                }
                if (j == 2) {
                    // "==" is required here; the first '=' is consumed already
                    si = skipNewlines(src, si);
                    if (si == src.length) {
                        throw corruptBase64(fn, src.length);
                    }
                    if (src[si] != '=') {
                        throw corruptBase64(fn, si - 1);
                    }
                    si++;
                }
                si = skipNewlines(src, si);
                if (si < src.length) {
                    throw corruptBase64(fn, si); // trailing garbage after the padding
                }
                n = j;
                break;
            }
            int bits = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
            for (int k = 0; k < n - 1; k++) {
                out.write(bits >> (16 - 8 * k));
            }
        }
        return out.toByteArray();
    }

    private static int skipNewlines(byte[] src, int si) {
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
            si++;
        }
        return si;
    }

    private static BuiltinException corruptBase64(String fn, int offset) {
        return BuiltinException.error(fn + ": illegal base64 data at input byte " + offset);
    }

    // ================================================================ hex

    private static void registerHex(Registry.Builder r) {
        r.fn("hex.encode", 1, (ctx, a) -> StringValue.of(HexFormat.of().formatHex(utf8(Args.string("hex.encode", a, 0)))));
        r.fn("hex.decode", 1, (ctx, a) -> text(hexDecode(utf8(Args.string("hex.decode", a, 0)))));
    }

    /** Go's hex.DecodeString, including which problem it reports first. */
    private static byte[] hexDecode(byte[] src) {
        byte[] out = new byte[src.length / 2];
        int j = 1;
        for (; j < src.length; j += 2) {
            int hi = hexDigit(src[j - 1]);
            int lo = hexDigit(src[j]);
            if (hi < 0) {
                throw invalidHexByte(src[j - 1]);
            }
            if (lo < 0) {
                throw invalidHexByte(src[j]);
            }
            out[j / 2] = (byte) (hi << 4 | lo);
        }
        if (src.length % 2 == 1) {
            if (hexDigit(src[j - 1]) < 0) {
                throw invalidHexByte(src[j - 1]);
            }
            throw BuiltinException.error("hex.decode: encoding/hex: odd length hex string");
        }
        return out;
    }

    private static int hexDigit(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }

    private static BuiltinException invalidHexByte(byte b) {
        // Go formats the byte with %#U, as if it were the code point of the same value.
        int cp = b & 0xff;
        String shown = String.format("U+%04X", cp) + (GoChars.isPrint(cp) ? " '" + Character.toString(cp) + "'" : "");
        return BuiltinException.error("hex.decode: encoding/hex: invalid byte: " + shown);
    }

    // ================================================================ JSON

    private static void registerJson(Registry.Builder r) {
        r.fn("json.marshal", 1, (ctx, a) -> StringValue.of(GoJson.marshal(a[0], null, null)));
        r.fn("json.marshal_with_options", 2, (ctx, a) -> marshalWithOptions(a));
        r.fn("json.unmarshal", 1, (ctx, a) -> GoJson.unmarshal(Args.string("json.unmarshal", a, 0)));
        r.fn("json.is_valid", 1, (ctx, a) ->
                BooleanValue.of(a[0] instanceof StringValue s && GoJson.isValid(s.value())));
    }

    private static Value marshalWithOptions(Value[] a) {
        String fn = "json.marshal_with_options";
        ObjectValue opts = Args.object(fn, a, 1);
        String indent = "\t";
        String prefix = "";
        boolean implicitPretty = false;
        Boolean explicitPretty = null;
        // OPA reports problems in key order, numbering keys from 0 in its nested operand messages.
        for (int idx = 0; idx < opts.size(); idx++) {
            Value key = opts.keyAt(idx);
            Value val = opts.valueAt(idx);
            if (!(key instanceof StringValue k)) {
                throw BuiltinException.type(fn + ": operand 2 failed to stringify key " + key.toRego() + " at index " + idx
                        + ": operand " + idx + " must be string but got " + key.typeName());
            }
            String quoted = GoText.quote(k.value());
            switch (k.value()) {
                case "prefix", "indent" -> {
                    if (!(val instanceof StringValue s)) {
                        throw BuiltinException.type(fn + ": operand 2 key " + quoted + " failed cast to string: operand "
                                + idx + " must be string but got " + val.typeName());
                    }
                    if (k.value().equals("prefix")) {
                        prefix = s.value();
                    } else {
                        indent = s.value();
                    }
                    implicitPretty = true;
                }
                case "pretty" -> {
                    if (!(val instanceof BooleanValue b)) {
                        throw BuiltinException.type(fn + ": operand 2 key " + quoted + " failed cast to bool");
                    }
                    explicitPretty = b.value();
                }
                default -> throw BuiltinException.type(fn + ": operand 2 object contained unknown key " + quoted);
            }
        }
        boolean pretty = explicitPretty != null ? explicitPretty : implicitPretty;
        if (!pretty) {
            return StringValue.of(GoJson.marshal(a[0], null, null));
        }
        // Go's MarshalIndent does not prefix the first line; OPA adds it.
        return StringValue.of(prefix + GoJson.marshal(a[0], prefix, indent));
    }

    /** Go's encoding/json as OPA uses it: encoding Rego values, and checking and decoding JSON text. */
    private static final class GoJson {
        private GoJson() {
        }

        /** Orders object members as Go sorts map keys: by UTF-8 bytes, i.e. by code point. */
        private static final Comparator<String> BYTE_ORDER = StringValue::compareCodePoints;

        /** JSON text of {@code v}; compact when {@code indent} is null, else like Go's MarshalIndent. */
        static String marshal(Value v, String prefix, String indent) {
            StringBuilder out = new StringBuilder();
            write(v, out, prefix, indent, 0);
            return out.toString();
        }

        /**
         * An object's members keyed as Go sees them: non-string keys become their JSON text. When two keys end
         * up equal, the one later in Rego order wins, as it would overwrite the earlier one in Go's map.
         */
        static TreeMap<String, Value> members(ObjectValue obj, Comparator<String> order) {
            TreeMap<String, Value> out = new TreeMap<>(order);
            for (int i = 0; i < obj.size(); i++) {
                Value k = obj.keyAt(i);
                out.put(k instanceof StringValue s ? s.value() : marshal(k, null, null), obj.valueAt(i));
            }
            return out;
        }

        private static void write(Value v, StringBuilder out, String prefix, String indent, int depth) {
            switch (v) {
                case StringValue s -> quote(s.value(), out);
                case ArrayValue arr -> writeList(arr.items(), out, prefix, indent, depth);
                case SetValue set -> writeList(set.elements(), out, prefix, indent, depth);
                case ObjectValue obj -> {
                    TreeMap<String, Value> members = members(obj, BYTE_ORDER);
                    if (members.isEmpty()) {
                        out.append("{}");
                        return;
                    }
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<String, Value> e : members.entrySet()) {
                        if (!first) {
                            out.append(',');
                        }
                        first = false;
                        newline(out, prefix, indent, depth + 1);
                        quote(e.getKey(), out);
                        out.append(indent == null ? ":" : ": ");
                        write(e.getValue(), out, prefix, indent, depth + 1);
                    }
                    newline(out, prefix, indent, depth);
                    out.append('}');
                }
                default -> out.append(v.toJsonString()); // null, booleans and numbers print alike in Go
            }
        }

        private static void writeList(List<Value> items, StringBuilder out, String prefix, String indent, int depth) {
            if (items.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                newline(out, prefix, indent, depth + 1);
                write(items.get(i), out, prefix, indent, depth + 1);
            }
            newline(out, prefix, indent, depth);
            out.append(']');
        }

        private static void newline(StringBuilder out, String prefix, String indent, int depth) {
            if (indent != null) {
                out.append('\n').append(prefix).append(indent.repeat(depth));
            }
        }

        /** A JSON string literal as Go writes it, with HTML-sensitive characters escaped. */
        static void quote(String s, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else if (Character.isSurrogate(c)) {
                            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                                out.append(c).append(s.charAt(++i));
                            } else {
                                out.append("\\ufffd"); // what Go writes for bytes that are not UTF-8
                            }
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        /** Go's json.Valid: exactly one JSON value, optionally surrounded by whitespace. */
        static boolean isValid(String s) {
            try {
                int end = new Scanner(s).value(0);
                return skipSpace(s, end) == s.length();
            } catch (SyntaxError e) {
                return false;
            }
        }

        /**
         * OPA's json.unmarshal: Go's json.Decoder reads the first value, then one more token is read, and
         * only a token that is not JSON null makes trailing text an error. Numbers are kept exact.
         */
        static Value unmarshal(String s) {
            int start = skipSpace(s, 0);
            int end;
            try {
                end = new Scanner(s).value(start);
            } catch (SyntaxError e) {
                throw decodeError(e, start == s.length() ? "EOF" : "unexpected EOF");
            }
            Value result;
            try {
                result = Json.parse(s.substring(start, end));
            } catch (IllegalArgumentException e) {
                throw BuiltinException.error("json.unmarshal: " + e.getMessage());
            }
            int next = skipSpace(s, end);
            if (next == s.length()) {
                return result;
            }
            char c = s.charAt(next);
            switch (c) {
                case '[', '{' -> throw trailingToken();
                case ']', '}', ':', ',' ->
                        throw BuiltinException.error("json.unmarshal: invalid character " + Scanner.quoteChar(s, next)
                                + " looking for beginning of value");
                default -> {
                    int tokenEnd;
                    try {
                        tokenEnd = new Scanner(s).value(next);
                    } catch (SyntaxError e) {
                        throw decodeError(e, "unexpected EOF");
                    }
                    if (!s.substring(next, tokenEnd).equals("null")) {
                        throw trailingToken();
                    }
                    return result;
                }
            }
        }

        private static BuiltinException decodeError(SyntaxError e, String eofMessage) {
            return BuiltinException.error("json.unmarshal: " + (e.eof ? eofMessage : e.getMessage()));
        }

        private static BuiltinException trailingToken() {
            // Go formats a nil error with %w this way.
            return BuiltinException.error("json.unmarshal: error(s) occurred while decoding: %!w(<nil>)");
        }

        static int skipSpace(String s, int i) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
            return i;
        }

        /** A JSON syntax error, worded like Go's; {@code eof} when the text ended too early. */
        private static final class SyntaxError extends RuntimeException {
            final boolean eof;

            SyntaxError(String message, boolean eof) {
                super(message, null, false, false);
                this.eof = eof;
            }
        }

        /** Checks JSON syntax the way Go's scanner does, iteratively so that deep nesting cannot overflow. */
        private static final class Scanner {
            private final String s;
            private int pos;
            private final Deque<Character> open = new ArrayDeque<>();

            Scanner(String s) {
                this.s = s;
            }

            /** Scans one value starting at {@code start}; returns the index just after it. */
            int value(int start) {
                pos = start;
                boolean needValue = true;
                while (true) {
                    if (needValue) {
                        needValue = beginValue();
                    } else if (open.isEmpty()) {
                        return pos;
                    } else {
                        needValue = afterValue();
                    }
                }
            }

            /** Reads a scalar, or opens a container; true when a (first) member value must follow. */
            private boolean beginValue() {
                char c = next();
                switch (c) {
                    case '{' -> {
                        pos++;
                        if (next() == '}') {
                            pos++;
                            return false;
                        }
                        open.push('{');
                        key();
                        return true;
                    }
                    case '[' -> {
                        pos++;
                        if (next() == ']') {
                            pos++;
                            return false;
                        }
                        open.push('[');
                        return true;
                    }
                    case '"' -> string();
                    case 't' -> literal("true");
                    case 'f' -> literal("false");
                    case 'n' -> literal("null");
                    default -> {
                        if (c != '-' && (c < '0' || c > '9')) {
                            throw error(pos, "looking for beginning of value");
                        }
                        number();
                    }
                }
                return false;
            }

            /** Reads what follows a member of the innermost container; true when another member value follows. */
            private boolean afterValue() {
                char c = next();
                pos++;
                if (open.peek() == '{') {
                    if (c == ',') {
                        key();
                        return true;
                    }
                    if (c != '}') {
                        throw error(pos - 1, "after object key:value pair");
                    }
                } else {
                    if (c == ',') {
                        return true;
                    }
                    if (c != ']') {
                        throw error(pos - 1, "after array element");
                    }
                }
                open.pop();
                return false;
            }

            /** An object key and its colon; the value follows. */
            private void key() {
                if (next() != '"') {
                    throw error(pos, "looking for beginning of object key string");
                }
                string();
                if (next() != ':') {
                    throw error(pos, "after object key");
                }
                pos++;
            }

            /** The next non-space character, without consuming it. */
            private char next() {
                pos = skipSpace(s, pos);
                if (pos == s.length()) {
                    throw new SyntaxError("unexpected end of JSON input", true);
                }
                return s.charAt(pos);
            }

            private char at(int i) {
                if (i >= s.length()) {
                    throw new SyntaxError("unexpected end of JSON input", true);
                }
                return s.charAt(i);
            }

            private void literal(String word) {
                for (int i = 1; i < word.length(); i++) {
                    if (at(pos + i) != word.charAt(i)) {
                        throw error(pos + i, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
                    }
                }
                pos += word.length();
            }

            private void string() {
                pos++;
                while (true) {
                    char c = at(pos);
                    if (c == '"') {
                        pos++;
                        return;
                    }
                    if (c == '\\') {
                        char e = at(pos + 1);
                        if (e == 'u') {
                            for (int i = 2; i < 6; i++) {
                                if (hexDigit((byte) at(pos + i)) < 0 || at(pos + i) > 0x7f) {
                                    throw error(pos + i, "in \\u hexadecimal character escape");
                                }
                            }
                            pos += 6;
                        } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
                            pos += 2;
                        } else {
                            throw error(pos + 1, "in string escape code");
                        }
                    } else if (c < 0x20) {
                        throw error(pos, "in string literal");
                    } else {
                        pos++;
                    }
                }
            }

            private void number() {
                if (s.charAt(pos) == '-') {
                    pos++;
                    if (!isDigit(at(pos))) {
                        throw error(pos, "in numeric literal");
                    }
                }
                if (s.charAt(pos) == '0') {
                    pos++;
                } else {
                    pos = digits(pos);
                }
                if (pos < s.length() && s.charAt(pos) == '.') {
                    pos++;
                    if (!isDigit(at(pos))) {
                        throw error(pos, "after decimal point in numeric literal");
                    }
                    pos = digits(pos);
                }
                if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                    pos++;
                    if (at(pos) == '+' || at(pos) == '-') {
                        pos++;
                    }
                    if (!isDigit(at(pos))) {
                        throw error(pos, "in exponent of numeric literal");
                    }
                    pos = digits(pos);
                }
            }

            private int digits(int i) {
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
                return i;
            }

            private static boolean isDigit(char c) {
                return c >= '0' && c <= '9';
            }

            private SyntaxError error(int at, String context) {
                return new SyntaxError("invalid character " + quoteChar(s, at) + " " + context, false);
            }

            /**
             * Go's quoteChar: the offending byte in single quotes. Go sees bytes, so for a non-ASCII character it
             * shows the first byte of its UTF-8 form, read as a code point.
             */
            static String quoteChar(String s, int at) {
                int c = s.charAt(at);
                if (c >= 0x80) {
                    c = utf8(s.substring(at, Math.min(s.length(), at + 2)))[0] & 0xff;
                }
                if (c == '\'') {
                    return "'\\''";
                }
                if (c == '"') {
                    return "'\"'";
                }
                String q = GoText.quote(Character.toString(c));
                return "'" + q.substring(1, q.length() - 1) + "'";
            }
        }
    }

    // ================================================================ URL query

    private static void registerUrlQuery(Registry.Builder r) {
        r.fn("urlquery.encode", 1, (ctx, a) -> StringValue.of(queryEscape(Args.string("urlquery.encode", a, 0))));
        r.fn("urlquery.decode", 1, (ctx, a) -> StringValue.of(queryUnescape("urlquery.decode", Args.string("urlquery.decode", a, 0))));
        r.fn("urlquery.encode_object", 1, (ctx, a) -> encodeQueryObject(a[0]));
        r.fn("urlquery.decode_object", 1, (ctx, a) -> decodeQueryObject(Args.string("urlquery.decode_object", a, 0)));
    }

    /** Go's url.QueryEscape: everything but ASCII letters, digits and {@code -_.~} is %XX-escaped; space is '+'. */
    private static String queryEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : utf8(s)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Go's url.QueryUnescape: '+' is a space, %XX a byte; a malformed escape is an error. */
    private static String queryUnescape(String fn, String s) {
        byte[] in = utf8(s);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (i + 2 >= in.length || hexDigit(in[i + 1]) < 0 || hexDigit(in[i + 2]) < 0) {
                    byte[] bad = Arrays.copyOfRange(in, i, Math.min(in.length, i + 3));
                    throw BuiltinException.error(fn + ": invalid URL escape " + GoText.quote(bad));
                }
                out.write(hexDigit(in[i + 1]) << 4 | hexDigit(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i] == '+' ? ' ' : in[i]);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static Value encodeQueryObject(Value operand) {
        String fn = "urlquery.encode_object";
        if (!(operand instanceof ObjectValue obj)) {
            throw Args.typeError(fn, 0, operand, "object");
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Value> e : GoJson.members(obj, GoJson.BYTE_ORDER).entrySet()) {
            List<Value> values = switch (e.getValue()) {
                case StringValue s -> List.of(s);
                case ArrayValue arr -> arr.items();
                case SetValue set -> set.elements();
                default -> throw encodeObjectError(fn);
            };
            for (Value v : values) {
                if (!(v instanceof StringValue s)) {
                    throw encodeObjectError(fn);
                }
                if (!out.isEmpty()) {
                    out.append('&');
                }
                out.append(queryEscape(e.getKey())).append('=').append(queryEscape(s.value()));
            }
        }
        return StringValue.of(out.toString());
    }

    private static BuiltinException encodeObjectError(String fn) {
        return BuiltinException.type(fn + ": operand 1 values must be string, array[string], or set[string]");
    }

    /** Go's url.ParseQuery: the first problem is reported, after the whole query was read. */
    private static Value decodeQueryObject(String query) {
        String fn = "urlquery.decode_object";
        Map<String, List<Value>> params = new LinkedHashMap<>();
        String problem = null;
        for (String part : query.split("&", -1)) {
            if (part.contains(";")) {
                problem = "invalid semicolon separator in query"; // Go overwrites any earlier error with this one
                continue;
            }
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key;
            String value;
            try {
                key = queryUnescape(fn, eq < 0 ? part : part.substring(0, eq));
                value = queryUnescape(fn, eq < 0 ? "" : part.substring(eq + 1));
            } catch (BuiltinException e) {
                if (problem == null) {
                    problem = e.getMessage().substring(fn.length() + 2);
                }
                continue;
            }
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(StringValue.of(value));
        }
        if (problem != null) {
            throw BuiltinException.error(fn + ": " + problem);
        }
        ObjectValue.Builder out = ObjectValue.builder();
        params.forEach((k, v) -> out.put(k, ArrayValue.of(v)));
        return out.build();
    }

    // ================================================================ YAML

    private static void registerYaml(Registry.Builder r) {
        r.fn("yaml.marshal", 1, (ctx, a) -> StringValue.of(YamlEmitter.emit(YamlEmitter.tree(a[0]))));
        r.fn("yaml.unmarshal", 1, (ctx, a) -> {
            try {
                return YamlReader.read(Args.string("yaml.unmarshal", a, 0));
            } catch (YamlError e) {
                throw BuiltinException.error("yaml.unmarshal: " + e.getMessage());
            }
        });
        r.fn("yaml.is_valid", 1, (ctx, a) -> {
            if (!(a[0] instanceof StringValue s)) {
                return BooleanValue.of(false);
            }
            try {
                YamlReader.read(s.value());
                return BooleanValue.of(true);
            } catch (YamlError e) {
                return BooleanValue.of(false);
            }
        });
    }

    private static final class YamlError extends RuntimeException {
        YamlError(String message) {
            super(message, null, false, false);
        }
    }

    /** go-yaml v3's plain-scalar resolution: what an unquoted scalar means. */
    private static final class YamlResolve {
        private YamlResolve() {
        }

        enum Tag { NULL, BOOL, INT, FLOAT, TIMESTAMP, MERGE, STR }

        /** A resolved scalar: its tag and value (Boolean, Long, BigInteger, Double or String; null for null). */
        record Resolved(Tag tag, Object value) {
        }

        private static final Map<String, Resolved> KNOWN = new HashMap<>();
        static {
            for (String s : List.of("true", "True", "TRUE")) {
                KNOWN.put(s, new Resolved(Tag.BOOL, true));
            }
            for (String s : List.of("false", "False", "FALSE")) {
                KNOWN.put(s, new Resolved(Tag.BOOL, false));
            }
            for (String s : List.of("", "~", "null", "Null", "NULL")) {
                KNOWN.put(s, new Resolved(Tag.NULL, null));
            }
            for (String s : List.of(".nan", ".NaN", ".NAN")) {
                KNOWN.put(s, new Resolved(Tag.FLOAT, Double.NaN));
            }
            for (String s : List.of(".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")) {
                KNOWN.put(s, new Resolved(Tag.FLOAT, Double.POSITIVE_INFINITY));
            }
            for (String s : List.of("-.inf", "-.Inf", "-.INF")) {
                KNOWN.put(s, new Resolved(Tag.FLOAT, Double.NEGATIVE_INFINITY));
            }
            KNOWN.put("<<", new Resolved(Tag.MERGE, "<<"));
        }

        private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
        private static final Pattern BASE60_FLOAT = Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");
        private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
        private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
        private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

        /** resolve("", s): the meaning of an untagged plain scalar. */
        static Resolved plain(String in) {
            Resolved known = KNOWN.get(in);
            if (known != null) {
                return known;
            }
            char c = in.charAt(0);
            if (c == '.') {
                Double f = parseFloat(in);
                if (f != null) {
                    return new Resolved(Tag.FLOAT, f);
                }
            } else if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
                if (isTimestamp(in)) {
                    return new Resolved(Tag.TIMESTAMP, in);
                }
                Resolved number = number(in.replace("_", ""));
                if (number != null) {
                    return number;
                }
            }
            return new Resolved(Tag.STR, in);
        }

        private static Resolved number(String plain) {
            BigInteger i = goParseInt(plain, true, 0);
            if (i != null && i.compareTo(INT64_MIN) >= 0 && i.compareTo(INT64_MAX) <= 0) {
                return new Resolved(Tag.INT, i.longValueExact());
            }
            i = goParseInt(plain, false, 0);
            if (i != null && i.compareTo(UINT64_MAX) <= 0) {
                return new Resolved(Tag.INT, i);
            }
            if (YAML_FLOAT.matcher(plain).matches()) {
                Double f = parseFloat(plain);
                if (f != null) {
                    return new Resolved(Tag.FLOAT, f);
                }
            }
            // go-yaml also tries the digits after an explicit 0b/0o prefix on their own, which lets a sign
            // through there ("0b-1" is -1).
            for (String[] p : new String[][] {{"0b", "", "2"}, {"-0b", "-", "2"}, {"0o", "", "8"}, {"-0o", "-", "8"}}) {
                if (plain.startsWith(p[0])) {
                    BigInteger v = goParseInt(p[1] + plain.substring(p[0].length()), true, Integer.parseInt(p[2]));
                    if (v != null && v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0) {
                        return new Resolved(Tag.INT, v.longValueExact());
                    }
                    if (!p[1].isEmpty()) {
                        return null;
                    }
                    v = goParseInt(plain.substring(p[0].length()), false, Integer.parseInt(p[2]));
                    if (v != null && v.compareTo(UINT64_MAX) <= 0) {
                        return new Resolved(Tag.INT, v);
                    }
                    return null;
                }
            }
            return null;
        }

        /**
         * Go's strconv.ParseInt/ParseUint digits: an optional sign (signed only), and with base 0 a 0x, 0o, 0b
         * or legacy 0 (octal) prefix. Returns null when the text is not such a number; range is the caller's.
         */
        static BigInteger goParseInt(String s, boolean signed, int base) {
            int i = 0;
            boolean negative = false;
            if (signed && !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
                negative = s.charAt(0) == '-';
                i = 1;
            }
            String digits = s.substring(i);
            if (base == 0) {
                base = 10;
                if (digits.length() > 1 && digits.charAt(0) == '0') {
                    switch (Character.toLowerCase(digits.charAt(1))) {
                        case 'x' -> {
                            base = 16;
                            digits = digits.substring(2);
                        }
                        case 'o' -> {
                            base = 8;
                            digits = digits.substring(2);
                        }
                        case 'b' -> {
                            base = 2;
                            digits = digits.substring(2);
                        }
                        default -> {
                            base = 8;
                            digits = digits.substring(1);
                        }
                    }
                }
            }
            if (digits.isEmpty()) {
                return null;
            }
            for (int k = 0; k < digits.length(); k++) {
                char c = digits.charAt(k);
                if (c > 0x7f || Character.digit(c, base) < 0) {
                    return null;
                }
            }
            BigInteger v = new BigInteger(digits, base);
            return negative ? v.negate() : v;
        }

        /** strconv.ParseFloat for YAML-style decimals; null when it fails, including on overflow. */
        static Double parseFloat(String s) {
            if (!YAML_FLOAT.matcher(s).matches()) {
                return null;
            }
            double d = Double.parseDouble(s);
            return Double.isInfinite(d) ? null : d;
        }

        private static final Pattern TIMESTAMP = Pattern.compile(
                "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?"
                        + "(?:Z|[+-]([0-9]{2}):([0-9]{2})))|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?))?");

        /** Whether Go's time.Parse accepts {@code s} in one of the layouts go-yaml tries for timestamps. */
        static boolean isTimestamp(String s) {
            Matcher m = TIMESTAMP.matcher(s);
            if (!m.matches()) {
                return false;
            }
            int year = Integer.parseInt(m.group(1));
            int month = Integer.parseInt(m.group(2));
            if (month < 1 || month > 12) {
                return false;
            }
            int day = Integer.parseInt(m.group(3));
            if (day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
                return false;
            }
            int time = m.group(4) != null ? 4 : m.group(9) != null ? 9 : 0;
            if (time != 0 && (Integer.parseInt(m.group(time)) > 23 || Integer.parseInt(m.group(time + 1)) > 59
                    || Integer.parseInt(m.group(time + 2)) > 59)) {
                return false;
            }
            return m.group(7) == null || (Integer.parseInt(m.group(7)) <= 24 && Integer.parseInt(m.group(8)) <= 60);
        }

        /** What go-yaml's encoder checks before writing a string unquoted. */
        static boolean canBePlain(String s) {
            if (s.isEmpty() || plain(s).tag() != Tag.STR) {
                return false;
            }
            if (BASE60_FLOAT.matcher(s).matches()) {
                return false;
            }
            // YAML 1.1 booleans stay quoted so that older readers do not take them for booleans
            return !OLD_BOOLEANS.contains(s);
        }

        private static final Set<String> OLD_BOOLEANS = Set.of("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N",
                "no", "No", "NO", "off", "Off", "OFF");
    }

    /**
     * Reads YAML as OPA does (sigs.k8s.io/yaml over go-yaml v3): the first document only, with go-yaml's
     * scalar resolution, anchors, aliases and merge keys, then converted as JSON would be (non-string keys
     * stringified, no NaN or infinities). SnakeYAML does the parsing.
     */
    private static final class YamlReader {
        private YamlReader() {
        }

        private static final String TAG_PREFIX = "tag:yaml.org,2002:";
        /** Stands for YAML null inside the Java tree. */
        private static final Object NULL = new Object();
        /** A plain {@code <<} in key position. */
        private static final Object MERGE_KEY = new Object();

        static Value read(String text) {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(Integer.MAX_VALUE);
            Parser parser = new ParserImpl(new StreamReader(text), options);
            try {
                parser.getEvent(); // stream start
                if (parser.checkEvent(Event.ID.StreamEnd)) {
                    return NullValue.INSTANCE; // no document at all reads as null
                }
                parser.getEvent(); // document start
                Object root = new Builder(parser).document();
                parser.getEvent(); // document end
                // go-yaml's scanner looks two tokens past the document it returns, so a broken start of the
                // next document is reported even though that document is never read.
                if (parser.getEvent().is(Event.ID.DocumentStart)) {
                    parser.peekEvent();
                }
                return toValue(root, new IdentityHashMap<>());
            } catch (MarkedYAMLException e) {
                String line = e.getProblemMark() != null ? "line " + (e.getProblemMark().getLine() + 1) + ": " : "";
                throw new YamlError("yaml: " + line + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
            } catch (YAMLException e) {
                throw new YamlError("yaml: " + e.getMessage());
            }
        }

        /** Builds the Java tree of one document from parser events, without recursion. */
        private static final class Builder {
            private final Parser parser;
            /** Anchor definitions; a collection still being read is represented by its {@link Frame}. */
            private final Map<String, Object> anchors = new HashMap<>();

            Builder(Parser parser) {
                this.parser = parser;
            }

            /** A sequence or mapping being read. */
            private static final class Frame {
                final String anchor;
                final List<Object> items;
                final LinkedHashMap<Object, Object> entries;
                Object key;
                boolean haveKey;
                Object merge;
                boolean mergeIsAlias;
                boolean nextIsMerge;

                Frame(String anchor, boolean mapping) {
                    this.anchor = anchor;
                    this.items = mapping ? null : new ArrayList<>();
                    this.entries = mapping ? new LinkedHashMap<>() : null;
                }
            }

            Object document() {
                Deque<Frame> stack = new ArrayDeque<>();
                while (true) {
                    Event ev = parser.getEvent();
                    Object value;
                    boolean alias = false;
                    if (ev instanceof ScalarEvent s) {
                        value = scalar(s);
                        define(s.getAnchor(), value == MERGE_KEY ? "<<" : value);
                    } else if (ev instanceof AliasEvent a) {
                        value = anchors.get(a.getAnchor());
                        if (value == null) {
                            throw new YamlError("yaml: unknown anchor '" + a.getAnchor() + "' referenced");
                        }
                        if (value instanceof Frame) {
                            throw new YamlError("yaml: anchor '" + a.getAnchor() + "' value contains itself");
                        }
                        alias = true;
                    } else if (ev instanceof CollectionStartEvent c) {
                        Frame frame = new Frame(c.getAnchor(), ev.is(Event.ID.MappingStart));
                        define(c.getAnchor(), frame);
                        stack.push(frame);
                        continue;
                    } else if (ev.is(Event.ID.SequenceEnd) || ev.is(Event.ID.MappingEnd)) {
                        Frame done = stack.pop();
                        value = done.items != null ? done.items : finish(done);
                        // a nested node may have taken the anchor over meanwhile; then that definition stays
                        if (done.anchor != null && anchors.get(done.anchor) == done) {
                            anchors.put(done.anchor, value);
                        }
                    } else {
                        throw new YamlError("yaml: unexpected " + ev.getEventId());
                    }
                    if (stack.isEmpty()) {
                        return value == MERGE_KEY ? "<<" : value;
                    }
                    add(stack.peek(), value, alias);
                }
            }

            private void define(String anchor, Object value) {
                if (anchor != null) {
                    anchors.put(anchor, value);
                }
            }

            private void add(Frame frame, Object value, boolean alias) {
                if (frame.items != null) {
                    frame.items.add(value == MERGE_KEY ? "<<" : value);
                } else if (!frame.haveKey) {
                    frame.haveKey = true;
                    frame.nextIsMerge = value == MERGE_KEY;
                    frame.key = value;
                    if (value instanceof List<?> || value instanceof Map<?, ?>) {
                        throw new YamlError("yaml: invalid map key: " + describe(value));
                    }
                } else {
                    frame.haveKey = false;
                    if (frame.nextIsMerge) {
                        frame.merge = value; // only the last merge key counts
                        frame.mergeIsAlias = alias;
                    } else {
                        frame.entries.put(frame.key, value == MERGE_KEY ? "<<" : value);
                    }
                }
            }

            /** Applies the merge key: merged keys never replace the mapping's own, and earlier sources win. */
            private static Map<Object, Object> finish(Frame frame) {
                if (frame.merge == null) {
                    return frame.entries;
                }
                List<?> sources;
                if (frame.merge instanceof Map<?, ?> m) {
                    sources = List.of(m);
                } else if (frame.merge instanceof List<?> l && !frame.mergeIsAlias) {
                    sources = l;
                } else {
                    throw mergeError();
                }
                for (Object source : sources) {
                    if (!(source instanceof Map<?, ?> m)) {
                        throw mergeError();
                    }
                    m.forEach(frame.entries::putIfAbsent);
                }
                return frame.entries;
            }

            private static YamlError mergeError() {
                return new YamlError("yaml: map merge requires map or sequence of maps as the value");
            }

            private Object scalar(ScalarEvent s) {
                String tag = s.getTag();
                String value = s.getValue();
                boolean plain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
                if (tag == null || tag.equals("!")) {
                    if (!plain || tag != null) {
                        return value;
                    }
                    YamlResolve.Resolved r = YamlResolve.plain(value);
                    return r.tag() == YamlResolve.Tag.MERGE ? MERGE_KEY : fromResolved(r);
                }
                if (!tag.startsWith(TAG_PREFIX)) {
                    return value; // an application tag: go-yaml keeps the text
                }
                String shortTag = tag.substring(TAG_PREFIX.length());
                if (shortTag.equals("str")) {
                    return value;
                }
                if (shortTag.equals("binary")) {
                    try {
                        return new String(base64Decode("", utf8(value), STD_ALPHABET), StandardCharsets.UTF_8);
                    } catch (BuiltinException e) {
                        throw new YamlError("yaml: !!binary value contains invalid base64 data");
                    }
                }
                if (shortTag.equals("merge") && plain && value.equals("<<")) {
                    return MERGE_KEY;
                }
                YamlResolve.Tag wanted = switch (shortTag) {
                    case "null" -> YamlResolve.Tag.NULL;
                    case "bool" -> YamlResolve.Tag.BOOL;
                    case "int" -> YamlResolve.Tag.INT;
                    case "float" -> YamlResolve.Tag.FLOAT;
                    case "timestamp" -> YamlResolve.Tag.TIMESTAMP;
                    default -> null;
                };
                if (wanted == null) {
                    return value; // other standard tags (!!seq on a scalar, !!set, ...) keep the text too
                }
                YamlResolve.Resolved r = YamlResolve.plain(value);
                if (r.tag() == wanted) {
                    return fromResolved(r);
                }
                if (wanted == YamlResolve.Tag.FLOAT && r.tag() == YamlResolve.Tag.INT) {
                    return ((Number) r.value()).doubleValue();
                }
                throw new YamlError("yaml: cannot decode !!" + r.tag().name().toLowerCase() + " `" + value + "` as a !!"
                        + shortTag);
            }

            private static Object fromResolved(YamlResolve.Resolved r) {
                return r.tag() == YamlResolve.Tag.NULL ? NULL : r.value();
            }
        }

        /** The Java tree as a Rego value, converted as JSON would be; shared (aliased) nodes are converted once. */
        private static Value toValue(Object o, IdentityHashMap<Object, Value> done) {
            if (o == NULL) {
                return NullValue.INSTANCE;
            }
            switch (o) {
                case String s -> {
                    return StringValue.of(s);
                }
                case Boolean b -> {
                    return BooleanValue.of(b);
                }
                case Long l -> {
                    return NumberValue.of(l);
                }
                case BigInteger i -> {
                    return NumberValue.of(i);
                }
                case Double d -> {
                    if (d.isNaN() || d.isInfinite()) {
                        throw new YamlError("json: unsupported value: " + (d.isNaN() ? "NaN" : d > 0 ? "+Inf" : "-Inf"));
                    }
                    return NumberValue.of(d);
                }
                default -> {
                }
            }
            Value cached = done.get(o);
            if (cached != null) {
                return cached;
            }
            Value result;
            if (o instanceof List<?> list) {
                Value[] items = new Value[list.size()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = toValue(list.get(i), done);
                }
                result = ArrayValue.wrap(items);
            } else {
                ObjectValue.Builder out = ObjectValue.builder();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                    out.put(StringValue.of(keyString(e.getKey(), e.getValue())), toValue(e.getValue(), done));
                }
                result = out.build();
            }
            done.put(o, result);
            return result;
        }

        /** A mapping key as sigs.k8s.io/yaml turns it into a JSON member name. */
        private static String keyString(Object key, Object value) {
            return switch (key) {
                case String s -> s;
                case Long l -> Long.toString(l);
                case Double d -> d.isNaN() ? ".nan" : d.isInfinite() ? (d > 0 ? ".inf" : "-.inf") : GoText.formatFloat(d);
                case Boolean b -> b.toString();
                default -> throw new YamlError("unsupported map key of type: "
                        + (key == NULL ? "%!s(<nil>)" : "uint64") + ", key: " + describe(key) + ", value: " + describe(value));
            };
        }

        private static String describe(Object o) {
            return o == NULL ? "<nil>" : o instanceof BigInteger i ? "0x" + i.toString(16) : String.valueOf(o);
        }
    }

    /**
     * Writes YAML as sigs.k8s.io/yaml does (go-yaml v3's emitter, two-space indent, compact sequences, 80
     * columns). The emitter's own bookkeeping (column, whether the last character was whitespace, whether the
     * line holds only indentation) is kept so that spacing and line folding come out the same.
     */
    private static final class YamlEmitter {
        private static final int BEST_INDENT = 2;
        private static final int BEST_WIDTH = 80;

        /** A scalar written as is: numbers, booleans and null. */
        private record Plain(String text) {
        }

        private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

        /** go-yaml's sort order for map keys: letters by code point, digit runs by numeric value. */
        private static final Comparator<String> KEY_ORDER = YamlEmitter::compareKeys;

        private final StringBuilder out = new StringBuilder();
        private int column;
        private boolean whitespace = true;
        private boolean indention = true;
        private int indent = -1;
        private final Deque<Integer> indents = new ArrayDeque<>();
        private int flowLevel;
        private boolean mappingContext;
        private boolean simpleKeyContext;

        private YamlEmitter() {
        }

        /** The value as the tree go-yaml sees after a JSON round trip: strings, Plain scalars, lists, maps. */
        static Object tree(Value v) {
            return switch (v) {
                case StringValue s -> s.value();
                case NumberValue n -> new Plain(number(n));
                case ArrayValue arr -> arr.items().stream().map(YamlEmitter::tree).toList();
                case SetValue set -> set.elements().stream().map(YamlEmitter::tree).toList();
                case ObjectValue obj -> {
                    Map<String, Object> map = new TreeMap<>(KEY_ORDER);
                    GoJson.members(obj, GoJson.BYTE_ORDER).forEach((k, val) -> map.put(k, tree(val)));
                    yield map;
                }
                default -> new Plain(v.toJsonString()); // null, true, false
            };
        }

        /** A JSON number as go-yaml reads it back: an int64 or uint64, else a float64 in Go's %g form. */
        private static String number(NumberValue n) {
            String text = n.toString();
            if (n.isInteger() && n.bigInteger().bitLength() <= 64 && n.signum() >= 0 || n.isLong()) {
                return text;
            }
            Double f = YamlResolve.parseFloat(text);
            return f == null ? text : GoText.formatFloat(f);
        }

        static String emit(Object root) {
            YamlEmitter e = new YamlEmitter();
            e.node(root, false, false, false);
            e.writeIndent(); // document end
            return e.out.toString();
        }

        private void node(Object n, boolean seqItem, boolean mapping, boolean simpleKey) {
            mappingContext = mapping;
            simpleKeyContext = simpleKey;
            if (n instanceof List<?> list) {
                if (list.isEmpty()) {
                    emptyFlow("[", "]", seqItem);
                } else {
                    sequence(list, seqItem);
                }
            } else if (n instanceof Map<?, ?> map) {
                if (map.isEmpty()) {
                    emptyFlow("{", "}", seqItem);
                } else {
                    mapping(map, seqItem);
                }
            } else {
                scalar(n, seqItem);
            }
        }

        private void increaseIndent(boolean flow, boolean seqItem, boolean compactSequence) {
            indents.push(indent);
            if (indent < 0) {
                indent = flow ? BEST_INDENT : 0;
            } else if (seqItem) {
                indent += 2; // the first indent inside a sequence item just skips the "- "
            } else {
                indent = BEST_INDENT * ((indent + BEST_INDENT) / BEST_INDENT);
                if (compactSequence) {
                    indent -= 2;
                }
            }
        }

        private void sequence(List<?> list, boolean seqItem) {
            // A sequence that is a mapping value starts at its key's indentation ("compact" sequences).
            increaseIndent(false, seqItem, mappingContext && !indention);
            for (Object item : list) {
                writeIndent();
                writeIndicator("-", true, false, true);
                node(item, true, false, false);
            }
            indent = indents.pop();
        }

        private void mapping(Map<?, ?> map, boolean seqItem) {
            increaseIndent(false, seqItem, false);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                writeIndent();
                if (!analyze(key).multiline && utf8(key).length <= 128) {
                    node(key, false, true, true);
                    writeIndicator(":", false, false, false);
                } else {
                    writeIndicator("?", true, false, true);
                    node(key, false, true, false);
                    writeIndent();
                    writeIndicator(":", true, false, true);
                }
                node(e.getValue(), false, true, false);
            }
            indent = indents.pop();
        }

        private void emptyFlow(String open, String close, boolean seqItem) {
            writeIndicator(open, true, true, false);
            increaseIndent(true, seqItem, false);
            indent = indents.pop();
            writeIndicator(close, false, false, false);
        }

        private void scalar(Object n, boolean seqItem) {
            String value;
            Style style;
            if (n instanceof Plain p) {
                value = p.text();
                style = Style.PLAIN;
            } else {
                value = (String) n;
                style = value.contains("\n") ? Style.LITERAL : YamlResolve.canBePlain(value) ? Style.PLAIN : Style.DOUBLE;
            }
            Analysis a = analyze(value);
            if (simpleKeyContext && a.multiline) {
                style = Style.DOUBLE;
            }
            if (style == Style.PLAIN && ((flowLevel > 0 ? !a.flowPlain : !a.blockPlain)
                    || (value.isEmpty() && (flowLevel > 0 || simpleKeyContext)))) {
                style = Style.SINGLE;
            }
            if (style == Style.SINGLE && !a.singleQuoted) {
                style = Style.DOUBLE;
            }
            if (style == Style.LITERAL && (!a.block || flowLevel > 0 || simpleKeyContext)) {
                style = Style.DOUBLE;
            }
            increaseIndent(true, seqItem, false);
            int[] cps = value.codePoints().toArray();
            switch (style) {
                case PLAIN -> writePlain(cps, !simpleKeyContext);
                case SINGLE -> writeSingleQuoted(cps, !simpleKeyContext);
                case DOUBLE -> writeDoubleQuoted(cps, !simpleKeyContext);
                case LITERAL -> writeLiteral(cps);
            }
            indent = indents.pop();
        }

        // ------------------------------------------------------------ low-level writing

        private void put(int c) {
            out.appendCodePoint(c);
            column++;
        }

        private void putBreak() {
            out.append('\n');
            column = 0;
            indention = true;
        }

        private void writeBreak(int c) {
            if (c == '\n') {
                putBreak();
            } else {
                put(c);
                column = 0;
                indention = true;
            }
        }

        private void writeIndent() {
            int target = Math.max(indent, 0);
            if (!indention || column > target || (column == target && !whitespace)) {
                putBreak();
            }
            while (column < target) {
                put(' ');
            }
            whitespace = true;
        }

        private void writeIndicator(String indicator, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
            if (needWhitespace && !whitespace) {
                put(' ');
            }
            indicator.codePoints().forEach(this::put);
            whitespace = isWhitespace;
            indention = indention && isIndention;
        }

        private void writePlain(int[] v, boolean allowBreaks) {
            if (v.length > 0 && !whitespace) {
                put(' ');
            }
            boolean spaces = false;
            boolean breaks = false;
            for (int i = 0; i < v.length; i++) {
                int c = v[i];
                if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && i + 1 < v.length && v[i + 1] != ' ') {
                        writeIndent();
                    } else {
                        put(c);
                    }
                    spaces = true;
                } else if (isBreak(c)) {
                    if (!breaks && c == '\n') {
                        putBreak();
                    }
                    writeBreak(c);
                    breaks = true;
                } else {
                    if (breaks) {
                        writeIndent();
                    }
                    put(c);
                    indention = false;
                    spaces = false;
                    breaks = false;
                }
            }
            if (v.length > 0) {
                whitespace = false;
            }
            indention = false;
        }

        private void writeSingleQuoted(int[] v, boolean allowBreaks) {
            writeIndicator("'", true, false, false);
            boolean spaces = false;
            boolean breaks = false;
            for (int i = 0; i < v.length; i++) {
                int c = v[i];
                if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1 && v[i + 1] != ' ') {
                        writeIndent();
                    } else {
                        put(c);
                    }
                    spaces = true;
                } else if (isBreak(c)) {
                    if (!breaks && c == '\n') {
                        putBreak();
                    }
                    writeBreak(c);
                    breaks = true;
                } else {
                    if (breaks) {
                        writeIndent();
                    }
                    if (c == '\'') {
                        put('\'');
                    }
                    put(c);
                    indention = false;
                    spaces = false;
                    breaks = false;
                }
            }
            writeIndicator("'", false, false, false);
            whitespace = false;
            indention = false;
        }

        private void writeDoubleQuoted(int[] v, boolean allowBreaks) {
            writeIndicator("\"", true, false, false);
            boolean spaces = false;
            for (int i = 0; i < v.length; i++) {
                int c = v[i];
                if (!isPrintable(c) || c == 0xFEFF || isBreak(c) || c == '"' || c == '\\') {
                    put('\\');
                    switch (c) {
                        case 0x00 -> put('0');
                        case 0x07 -> put('a');
                        case 0x08 -> put('b');
                        case 0x09 -> put('t');
                        case 0x0A -> put('n');
                        case 0x0B -> put('v');
                        case 0x0C -> put('f');
                        case 0x0D -> put('r');
                        case 0x1B -> put('e');
                        case '"' -> put('"');
                        case '\\' -> put('\\');
                        case 0x85 -> put('N');
                        case 0xA0 -> put('_');
                        case 0x2028 -> put('L');
                        case 0x2029 -> put('P');
                        default -> {
                            String digits = c <= 0xFF ? String.format("x%02X", c)
                                    : c <= 0xFFFF ? String.format("u%04X", c) : String.format("U%08X", c);
                            digits.chars().forEach(this::put);
                        }
                    }
                    spaces = false;
                } else if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1) {
                        writeIndent();
                        if (v[i + 1] == ' ') {
                            put('\\');
                        }
                    } else {
                        put(c);
                    }
                    spaces = true;
                } else {
                    put(c);
                    spaces = false;
                }
            }
            writeIndicator("\"", false, false, false);
            whitespace = false;
            indention = false;
        }

        private void writeLiteral(int[] v) {
            writeIndicator("|", true, false, false);
            if (v.length > 0 && (v[0] == ' ' || isBreak(v[0]))) {
                writeIndicator(Integer.toString(BEST_INDENT), false, false, false);
            }
            String chomp;
            if (v.length == 0 || !isBreak(v[v.length - 1])) {
                chomp = "-";
            } else if (v.length == 1 || isBreak(v[v.length - 2])) {
                chomp = "+";
            } else {
                chomp = "";
            }
            if (!chomp.isEmpty()) {
                writeIndicator(chomp, false, false, false);
            }
            whitespace = true;
            boolean breaks = true;
            for (int c : v) {
                if (isBreak(c)) {
                    writeBreak(c);
                    breaks = true;
                } else {
                    if (breaks) {
                        writeIndent();
                    }
                    put(c);
                    indention = false;
                    breaks = false;
                }
            }
        }

        // ------------------------------------------------------------ scalar analysis

        /** Which styles can carry a scalar, from go-yaml's yaml_emitter_analyze_scalar. */
        private record Analysis(boolean multiline, boolean flowPlain, boolean blockPlain, boolean singleQuoted,
                                boolean block) {
        }

        private static Analysis analyze(String value) {
            if (value.isEmpty()) {
                return new Analysis(false, false, true, true, false);
            }
            int[] v = value.codePoints().toArray();
            boolean blockIndicators = false;
            boolean flowIndicators = false;
            boolean lineBreaks = false;
            boolean special = false;
            boolean tabs = false;
            boolean leadingSpace = false;
            boolean leadingBreak = false;
            boolean trailingSpace = false;
            boolean trailingBreak = false;
            boolean breakSpace = false;
            boolean spaceBreak = false;
            boolean precededByWhitespace = true;
            boolean previousSpace = false;
            boolean previousBreak = false;
            if (value.startsWith("---") || value.startsWith("...")) {
                blockIndicators = true;
                flowIndicators = true;
            }
            for (int i = 0; i < v.length; i++) {
                int c = v[i];
                boolean followedByWhitespace = i + 1 >= v.length || v[i + 1] == ' ' || v[i + 1] == '\t';
                boolean last = i == v.length - 1;
                if (i == 0) {
                    switch (c) {
                        case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' -> {
                            flowIndicators = true;
                            blockIndicators = true;
                        }
                        case '?', ':' -> {
                            flowIndicators = true;
                            blockIndicators |= followedByWhitespace;
                        }
                        case '-' -> {
                            flowIndicators |= followedByWhitespace;
                            blockIndicators |= followedByWhitespace;
                        }
                        default -> {
                        }
                    }
                } else {
                    switch (c) {
                        case ',', '?', '[', ']', '{', '}' -> flowIndicators = true;
                        case ':' -> {
                            flowIndicators = true;
                            blockIndicators |= followedByWhitespace;
                        }
                        case '#' -> {
                            flowIndicators |= precededByWhitespace;
                            blockIndicators |= precededByWhitespace;
                        }
                        default -> {
                        }
                    }
                }
                if (c == '\t') {
                    tabs = true;
                } else if (!isPrintable(c)) {
                    special = true;
                }
                if (c == ' ') {
                    leadingSpace |= i == 0;
                    trailingSpace |= last;
                    breakSpace |= previousBreak;
                    previousSpace = true;
                    previousBreak = false;
                } else if (isBreak(c)) {
                    lineBreaks = true;
                    leadingBreak |= i == 0;
                    trailingBreak |= last;
                    spaceBreak |= previousSpace;
                    previousSpace = false;
                    previousBreak = true;
                } else {
                    previousSpace = false;
                    previousBreak = false;
                }
                precededByWhitespace = c == ' ' || c == '\t' || c == 0 || isBreak(c);
            }
            boolean flowPlain = true;
            boolean blockPlain = true;
            boolean singleQuoted = true;
            boolean block = true;
            if (leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks) {
                flowPlain = false;
                blockPlain = false;
            }
            if (trailingSpace) {
                block = false;
            }
            if (breakSpace) {
                flowPlain = false;
                blockPlain = false;
                singleQuoted = false;
            }
            if (spaceBreak || tabs || special) {
                flowPlain = false;
                blockPlain = false;
                singleQuoted = false;
            }
            if (spaceBreak || special) {
                block = false;
            }
            if (flowIndicators) {
                flowPlain = false;
            }
            if (blockIndicators) {
                blockPlain = false;
            }
            return new Analysis(lineBreaks, flowPlain, blockPlain, singleQuoted, block);
        }

        private static boolean isBreak(int c) {
            return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
        }

        /** YAML's printable set as go-yaml tests it (no characters outside the Basic Multilingual Plane). */
        private static boolean isPrintable(int c) {
            return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
        }

        private static int compareKeys(String a, String b) {
            int[] ar = a.codePoints().toArray();
            int[] br = b.codePoints().toArray();
            boolean digits = false;
            for (int i = 0; i < ar.length && i < br.length; i++) {
                if (ar[i] == br[i]) {
                    digits = Character.isDigit(ar[i]);
                    continue;
                }
                boolean al = Character.isLetter(ar[i]);
                boolean bl = Character.isLetter(br[i]);
                if (al && bl) {
                    return Integer.compare(ar[i], br[i]);
                }
                if (al || bl) {
                    return (digits ? al : bl) ? -1 : 1;
                }
                long an = 0;
                long bn = 0;
                if (ar[i] == '0' || br[i] == '0') {
                    for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
                        if (ar[j] != '0') {
                            an = 1;
                            bn = 1;
                            break;
                        }
                    }
                }
                int ai = i;
                while (ai < ar.length && Character.isDigit(ar[ai])) {
                    an = an * 10 + (ar[ai] - '0');
                    ai++;
                }
                int bi = i;
                while (bi < br.length && Character.isDigit(br[bi])) {
                    bn = bn * 10 + (br[bi] - '0');
                    bi++;
                }
                if (an != bn) {
                    return an < bn ? -1 : 1;
                }
                if (ai != bi) {
                    return ai < bi ? -1 : 1;
                }
                return Integer.compare(ar[i], br[i]);
            }
            return Integer.compare(ar.length, br.length);
        }
    }

    /** Go's text formatting helpers that the messages and encodings above depend on. */
    private static final class GoText {
        private GoText() {
        }

        /** strconv.Quote of a string. */
        static String quote(String s) {
            return quote(utf8(s));
        }

        /** strconv.Quote of raw bytes: bytes that are not UTF-8 are shown as \xNN. */
        static String quote(byte[] bytes) {
            StringBuilder out = new StringBuilder("\"");
            int i = 0;
            while (i < bytes.length) {
                int len = utf8Length(bytes, i);
                if (len == 0) {
                    out.append(String.format("\\x%02x", bytes[i] & 0xff));
                    i++;
                    continue;
                }
                int c = new String(bytes, i, len, StandardCharsets.UTF_8).codePointAt(0);
                i += len;
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case 0x07 -> out.append("\\a");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case 0x0B -> out.append("\\v");
                    default -> {
                        if (GoChars.isPrint(c)) {
                            out.appendCodePoint(c);
                        } else if (c < 0x20 || c == 0x7f) {
                            out.append(String.format("\\x%02x", c));
                        } else if (c < 0x10000) {
                            out.append(String.format("\\u%04x", c));
                        } else {
                            out.append(String.format("\\U%08x", c));
                        }
                    }
                }
            }
            return out.append('"').toString();
        }

        /** Length of the valid UTF-8 sequence starting at {@code i}, or 0 if the bytes there are not one. */
        private static int utf8Length(byte[] b, int i) {
            int c = b[i] & 0xff;
            int len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (len == 1) {
                return 1;
            }
            if (len == 0 || i + len > b.length) {
                return 0;
            }
            for (int k = 1; k < len; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return 0;
                }
            }
            int second = b[i + 1] & 0xff;
            if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90)
                    || (c == 0xF4 && second > 0x8F)) {
                return 0; // overlong, surrogate or out-of-range encodings
            }
            return len;
        }

        /** strconv.FormatFloat(f, 'g', -1, 64): the shortest digits, in exponent form below 1e-4 and from 1e6 on. */
        static String formatFloat(double f) {
            if (f == 0) {
                return Double.doubleToRawLongBits(f) < 0 ? "-0" : "0";
            }
            BigDecimal d = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
            String digits = d.unscaledValue().toString();
            int exp = digits.length() - 1 - d.scale(); // the value is d.ddd × 10^exp
            StringBuilder out = new StringBuilder(f < 0 ? "-" : "");
            if (exp < -4 || exp >= 6) {
                out.append(digits.charAt(0));
                if (digits.length() > 1) {
                    out.append('.').append(digits, 1, digits.length());
                }
                out.append('e').append(exp < 0 ? '-' : '+');
                int abs = Math.abs(exp);
                out.append(abs < 10 ? "0" : "").append(abs);
            } else if (exp < 0) {
                out.append("0.").append("0".repeat(-exp - 1)).append(digits);
            } else if (digits.length() <= exp + 1) {
                out.append(digits).append("0".repeat(exp + 1 - digits.length()));
            } else {
                out.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
            return out.toString();
        }
    }
}
