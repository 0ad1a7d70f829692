package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.writ.engine.evaluation.PolicyEngine;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Erases what must never reach the log before an entry is hashed, and says what it erased. Two sources: every
 * {@code reporter} of an element of a {@code reports} array, wherever in the entry (the person behind an
 * external report, DESIGN §7); and the JSON pointers (RFC 6901) the policy returns from
 * {@code data.writ.log.mask} with the entry as input, as OPA's {@code system.log.mask} does. An object member
 * is removed; an array element becomes null, so that the other elements keep their pointers.
 *
 * <p>When the mask policy fails the append fails, and with it the change: an unmasked entry cannot be taken back.
 */
@Singleton
public class EntryMask {
    /** The policy document that names further paths to erase. */
    public static final String POLICY = "writ/log/mask";
    private static final Logger LOG = LoggerFactory.getLogger(EntryMask.class);

    private final PolicyEngine engine;

    public EntryMask(PolicyEngine engine) {
        this.engine = engine;
    }

    /** An entry as it will be hashed, and the pointers erased from it, sorted. */
    public record Masked(ObjectNode entry, List<String> erased) {
    }

    /** Masks {@code entry}, whose JSON form the caller hands over to be changed in place. */
    public Masked mask(ObjectValue entry, ObjectNode json) {
        TreeSet<String> erased = new TreeSet<>();
        for (String pointer : policyPointers(entry)) {
            if (erase(json, pointer)) {
                erased.add(pointer);
            }
        }
        reporters(json, "", erased);
        return new Masked(json, List.copyOf(erased));
    }

    private List<String> policyPointers(ObjectValue entry) {
        Value v = engine.evaluate(POLICY, entry);
        List<Value> items = switch (v) {
            case null -> List.of();
            case SetValue s -> s.elements();
            case ArrayValue a -> a.items();
            default -> {
                LOG.warn("data.writ.log.mask is a {}, not a set of JSON pointers; ignored", v.typeName());
                yield List.of();
            }
        };
        List<String> out = new ArrayList<>();
        for (Value item : items) {
            if (item instanceof StringValue s && s.value().startsWith("/")) {
                out.add(s.value());
            } else {
                LOG.warn("data.writ.log.mask holds {} that is not a JSON pointer like \"/input/x\"; ignored", item.typeName());
            }
        }
        return out;
    }

    /** Erases the member or element at an RFC 6901 pointer; false when nothing is there. */
    static boolean erase(JsonNode root, String pointer) {
        String[] tokens = pointer.substring(1).split("/", -1);
        JsonNode parent = root;
        for (int i = 0; i < tokens.length - 1 && parent != null; i++) {
            parent = child(parent, unescape(tokens[i]));
        }
        String last = unescape(tokens[tokens.length - 1]);
        if (parent instanceof ObjectNode o && o.has(last)) {
            o.remove(last);
            return true;
        }
        if (parent instanceof ArrayNode a && index(last) >= 0 && index(last) < a.size()) {
            a.set(index(last), JsonNodeFactory.instance.nullNode());
            return true;
        }
        return false;
    }

    private static JsonNode child(JsonNode n, String token) {
        if (n instanceof ObjectNode o) {
            return o.get(token);
        }
        if (n instanceof ArrayNode a) {
            int i = index(token);
            return i >= 0 && i < a.size() ? a.get(i) : null;
        }
        return null;
    }

    private static int index(String token) {
        if (token.isEmpty() || token.length() > 9 || !token.chars().allMatch(Character::isDigit)
                || (token.length() > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        return Integer.parseInt(token);
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /**
     * Removes reporters of reports wherever they are, and replaces unpaired surrogates (which no UTF-8 leaf can
     * hold) with U+FFFD on the way.
     */
    private static void reporters(JsonNode n, String at, TreeSet<String> erased) {
        if (n instanceof ObjectNode o) {
            if (o.get("reports") instanceof ArrayNode reports) {
                for (int i = 0; i < reports.size(); i++) {
                    if (reports.get(i) instanceof ObjectNode report && report.has("reporter")) {
                        report.remove("reporter");
                        erased.add(at + "/reports/" + i + "/reporter");
                    }
                }
            }
            List<String> renamed = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue() instanceof TextNode t && !isWellFormed(t.textValue())) {
                    e.setValue(TextNode.valueOf(wellFormed(t.textValue())));
                }
                if (!isWellFormed(e.getKey())) {
                    renamed.add(e.getKey());
                }
                reporters(e.getValue(), at + "/" + escape(e.getKey()), erased);
            }
            for (String key : renamed) {
                o.set(wellFormed(key), o.remove(key));
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof TextNode t && !isWellFormed(t.textValue())) {
                    a.set(i, TextNode.valueOf(wellFormed(t.textValue())));
                }
                reporters(a.get(i), at + "/" + i, erased);
            }
        }
    }

    private static boolean isWellFormed(String s) {
        return s.equals(wellFormed(s));
    }

    /** The string with each unpaired surrogate replaced by U+FFFD; the same instance when there is none. */
    static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
