package io.writ.rego.value;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Conversion between Jackson trees / JSON text and Rego values. */
public final class Json {
    /** Reads decimals exactly (no double rounding), as OPA's json.Number does. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** Strings at most this long are shared ({@link #shared}); longer ones are rarely repeated. */
    static final int SHARED_MAX_LENGTH = 48;
    /** How many distinct strings are shared at most; past that, new ones are made as before. */
    static final int SHARED_MAX = 65_536;
    private static final ConcurrentHashMap<String, StringValue> SHARED = new ConcurrentHashMap<>();

    private Json() {
    }

    /**
     * The one value of a short string that parsed text repeats: object keys ({@code "subscription"},
     * {@code "period"}) and common values (service and metric names, categories, ids). Parsed signals and dossiers
     * stay in memory for seconds, so every young collection copies what they hold; a shared string is one object
     * for all of them instead of two or three for each. Bounded: once {@link #SHARED_MAX} strings are shared, others
     * are made anew (correct either way: a value is compared by its text, never by identity).
     */
    static StringValue shared(String s) {
        if (s.length() > SHARED_MAX_LENGTH) {
            return StringValue.of(s);
        }
        StringValue v = SHARED.get(s);
        if (v != null) {
            return v;
        }
        v = StringValue.of(s);
        if (SHARED.size() < SHARED_MAX) {
            StringValue first = SHARED.putIfAbsent(s, v);
            if (first != null) {
                return first;
            }
        }
        return v;
    }

    /**
     * Parses JSON text straight into a value, without building a Jackson tree first; numbers stay exact.
     * Throws {@link IllegalArgumentException} with the parser's message and position.
     */
    public static Value parse(String json) {
        try {
            return parse(MAPPER.getFactory().createParser(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #parse(String)}, from UTF-8 bytes (malformed UTF-8 is an {@link IllegalArgumentException} too): no
     * string of the whole text is made, and strings are read from the bytes directly.
     */
    public static Value parse(byte[] utf8) {
        try {
            return parse(MAPPER.getFactory().createParser(utf8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Value parse(JsonParser parser) {
        try (JsonParser p = parser) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("no JSON value");
            }
            Value v = read(p, t);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the JSON value at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr());
            }
            return v;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new IllegalArgumentException(e.getOriginalMessage()
                    + (l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Value read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                List<Value> ks = new ArrayList<>();
                List<Value> vs = new ArrayList<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    ks.add(shared(p.currentName()));
                    vs.add(read(p, p.nextToken()));
                }
                return ObjectValue.wrapUnsorted(ks.toArray(new Value[0]), vs.toArray(new Value[0]));
            }
            case START_ARRAY: {
                List<Value> items = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, n));
                }
                return ArrayValue.wrap(items.toArray(new Value[0]));
            }
            case VALUE_STRING:
                return shared(p.getText());
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? NumberValue.of(p.getBigIntegerValue())
                        : NumberValue.of(p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return NumberValue.of(p.getDecimalValue());
            case VALUE_TRUE:
                return BooleanValue.TRUE;
            case VALUE_FALSE:
                return BooleanValue.FALSE;
            case VALUE_NULL:
                return NullValue.INSTANCE;
            default:
                throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    public static Value fromNode(JsonNode node) {
        if (node == null) {
            return NullValue.INSTANCE;
        }
        switch (node.getNodeType()) {
            case NULL, MISSING:
                return NullValue.INSTANCE;
            case BOOLEAN:
                return BooleanValue.of(node.booleanValue());
            case STRING:
                return StringValue.of(node.textValue());
            case NUMBER:
                return switch (node.numberType()) {
                    case INT, LONG -> NumberValue.of(node.longValue());
                    case BIG_INTEGER -> NumberValue.of(node.bigIntegerValue());
                    case BIG_DECIMAL -> NumberValue.of(node.decimalValue());
                    case FLOAT, DOUBLE -> NumberValue.of(node.doubleValue());
                };
            case ARRAY: {
                Value[] items = new Value[node.size()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = fromNode(node.get(i));
                }
                return ArrayValue.wrap(items);
            }
            case OBJECT: {
                Value[] ks = new Value[node.size()];
                Value[] vs = new Value[ks.length];
                int i = 0;
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    ks[i] = StringValue.of(e.getKey());
                    vs[i++] = fromNode(e.getValue());
                }
                return ObjectValue.wrapUnsorted(ks, vs);
            }
            default:
                throw new IllegalArgumentException("unsupported JSON node: " + node.getNodeType());
        }
    }

    /** Compact JSON, keys sorted, sets as arrays, non-string keys as their JSON text. */
    public static void append(Value v, StringBuilder out) {
        switch (v) {
            case StringValue s -> appendQuoted(s.value(), out);
            case ArrayValue a -> {
                out.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    append(a.get(i), out);
                }
                out.append(']');
            }
            case SetValue s -> {
                out.append('[');
                for (int i = 0; i < s.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    append(s.get(i), out);
                }
                out.append(']');
            }
            case ObjectValue o -> {
                out.append('{');
                for (int i = 0; i < o.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendQuoted(ObjectValue.keyText(o.keyAt(i)), out);
                    out.append(':');
                    append(o.valueAt(i), out);
                }
                out.append('}');
            }
            default -> out.append(v);
        }
    }

    /** A JSON string literal. */
    public static void appendQuoted(String s, StringBuilder out) {
        out.append('"');
        int run = 0; // the start of the characters not yet appended, which need no escape
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        out.append(s, run, s.length());
        out.append('"');
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(s, sb);
        return sb.toString();
    }
}
