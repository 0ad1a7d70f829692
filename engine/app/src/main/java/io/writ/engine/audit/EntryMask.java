package io.writ.engine.audit;

import io.writ.engine.evaluation.PolicyEngine;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
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

    /** An entry as it will be hashed, as a policy value, and the pointers erased from it, sorted. */
    public record MaskedValue(ObjectValue entry, List<String> erased) {
    }

    /**
     * Masks {@code entry}: what is erased is rebuilt along its path, everything else is shared. A set counts as the
     * array of its elements (its JSON form). Unpaired surrogates are replaced by {@link Jcs#canonicalize(Value)}.
     */
    public MaskedValue mask(ObjectValue entry) {
        TreeSet<String> erased = new TreeSet<>();
        Value out = entry;
        for (String pointer : policyPointers(entry)) {
            String[] tokens = pointer.substring(1).split("/", -1);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = unescape(tokens[i]);
            }
            Value changed = erase(out, tokens, 0);
            if (changed != null) {
                out = changed;
                erased.add(pointer);
            }
        }
        out = reporters(out, new ArrayList<>(), erased);
        return new MaskedValue((ObjectValue) out, List.copyOf(erased));
    }

    /** The value with the member or element at {@code tokens[i..]} erased, or null when nothing is there. */
    private static Value erase(Value v, String[] tokens, int i) {
        if (v instanceof SetValue set) {
            v = ArrayValue.of(set.elements());
        }
        String token = tokens[i];
        boolean last = i == tokens.length - 1;
        if (v instanceof ObjectValue o) {
            Value child = o.get(token);
            if (child == null) {
                return null;
            }
            if (last) {
                return without(o, token);
            }
            Value replaced = erase(child, tokens, i + 1);
            return replaced == null ? null : o.toBuilder().put(token, replaced).build(); // the later value wins
        }
        if (v instanceof ArrayValue a) {
            int index = index(token);
            if (index < 0 || index >= a.size()) {
                return null;
            }
            Value replaced = last ? NullValue.INSTANCE : erase(a.get(index), tokens, i + 1);
            if (replaced == null) {
                return null;
            }
            Value[] items = a.items().toArray(Value[]::new);
            items[index] = replaced;
            return ArrayValue.wrap(items);
        }
        return null;
    }

    /** The value without any report's reporter (the same instance when there is none), noting each pointer erased. */
    private static Value reporters(Value v, List<String> path, TreeSet<String> erased) {
        if (v instanceof SetValue set) {
            v = ArrayValue.of(set.elements());
        }
        if (v instanceof ObjectValue o) {
            Value[] values = null;
            for (int k = 0; k < o.size(); k++) {
                Value child = o.valueAt(k);
                if (!holdsValues(child)) {
                    continue; // a string, number, boolean or null holds no report
                }
                String key = ObjectValue.keyText(o.keyAt(k));
                path.add(pointerToken(key));
                Value masked = reporters(child, path, erased);
                if (key.equals("reports") && masked instanceof ArrayValue reports) {
                    masked = withoutReporters(reports, path, erased);
                }
                path.removeLast();
                if (masked != child) {
                    if (values == null) {
                        values = o.values().toArray(Value[]::new);
                    }
                    values[k] = masked;
                }
            }
            if (values == null) {
                return o;
            }
            ObjectValue.Builder b = ObjectValue.builder();
            for (int k = 0; k < o.size(); k++) {
                b.put(o.keyAt(k), values[k]);
            }
            return b.build();
        }
        if (v instanceof ArrayValue a) {
            Value[] items = null;
            for (int i = 0; i < a.size(); i++) {
                if (!holdsValues(a.get(i))) {
                    continue;
                }
                path.add(Integer.toString(i));
                Value masked = reporters(a.get(i), path, erased);
                path.removeLast();
                if (masked != a.get(i)) {
                    if (items == null) {
                        items = a.items().toArray(Value[]::new);
                    }
                    items[i] = masked;
                }
            }
            return items == null ? a : ArrayValue.wrap(items);
        }
        return v;
    }

    private static boolean holdsValues(Value v) {
        return v instanceof ObjectValue || v instanceof ArrayValue || v instanceof SetValue;
    }

    /** The object without its member {@code key}. */
    private static ObjectValue without(ObjectValue o, String key) {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int k = 0; k < o.size(); k++) {
            if (!(o.keyAt(k) instanceof StringValue s && s.value().equals(key))) {
                b.put(o.keyAt(k), o.valueAt(k));
            }
        }
        return b.build();
    }

    private static Value withoutReporters(ArrayValue reports, List<String> path, TreeSet<String> erased) {
        Value[] items = null;
        for (int i = 0; i < reports.size(); i++) {
            if (reports.get(i) instanceof ObjectValue report && report.get("reporter") != null) {
                if (items == null) {
                    items = reports.items().toArray(Value[]::new);
                }
                items[i] = without(report, "reporter");
                erased.add("/" + String.join("/", path) + "/" + i + "/reporter");
            }
        }
        return items == null ? reports : ArrayValue.wrap(items);
    }

    private static int index(String token) {
        if (token.isEmpty() || token.length() > 9 || !token.chars().allMatch(Character::isDigit)
                || (token.length() > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        return Integer.parseInt(token);
    }

    /** A JSON pointer token as the member name it stands for (RFC 6901: {@code ~1} is {@code /}, {@code ~0} is {@code ~}). */
    static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }

    /** An object member's name as a JSON pointer token (RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
    public static String pointerToken(String name) {
        return name.replace("~", "~0").replace("/", "~1");
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
