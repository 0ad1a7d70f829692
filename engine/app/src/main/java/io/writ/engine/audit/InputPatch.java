package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.tenants.Dossier;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * A decision's input as a difference from the tenant's previous decision's input: an RFC 6902 JSON Patch made of
 * {@code add}, {@code remove} and {@code replace} operations only. A dossier changes a few series between two
 * decisions, so the patch is a few entries where the whole input is a hundred (docs/audit-log.md).
 *
 * <p>{@link #diff} descends into objects member by member and compares arrays element by element, replacing a
 * changed element whole (a dossier's lists hold entries, and an entry is replaced when its series gets a new
 * figure); elements past the shorter array are added or removed at the end. Unchanged parts are found by
 * identity first (the dossier merger shares what a signal did not touch), then by equality.
 * {@link #apply} is what auditors' tools do with it: {@code writ log verify} rebuilds every input from the last
 * whole one and checks it against the entry's {@code input_sha256}.
 */
public final class InputPatch {
    private InputPatch() {
    }

    /** The operations that turn {@code from} into {@code to}, in the order they apply. */
    public static ArrayValue diff(Value from, Value to) {
        List<Value> ops = new ArrayList<>();
        diff(from, to, "", ops);
        return ArrayValue.of(ops);
    }

    private static void diff(Value a, Value b, String path, List<Value> ops) {
        if (a == b) {
            return;
        }
        if (a instanceof SetValue s) {
            a = ArrayValue.of(s.elements());
        }
        if (b instanceof SetValue s) {
            b = ArrayValue.of(s.elements());
        }
        if (a instanceof ObjectValue x && b instanceof ObjectValue y) {
            // both sorted by key: one merge walk
            int i = 0;
            int j = 0;
            while (i < x.size() || j < y.size()) {
                int c = i == x.size() ? 1 : j == y.size() ? -1 : x.keyAt(i).compareTo(y.keyAt(j));
                if (c < 0) {
                    ops.add(op("remove", path + "/" + token(x.keyAt(i)), null));
                    i++;
                } else if (c > 0) {
                    ops.add(op("add", path + "/" + token(y.keyAt(j)), y.valueAt(j)));
                    j++;
                } else {
                    diff(x.valueAt(i), y.valueAt(j), path + "/" + token(x.keyAt(i)), ops);
                    i++;
                    j++;
                }
            }
        } else if (a instanceof ArrayValue x && b instanceof ArrayValue y) {
            int common = Math.min(x.size(), y.size());
            for (int i = 0; i < common; i++) {
                Value p = x.get(i);
                Value q = y.get(i);
                if (p != q && !p.equals(q)) {
                    ops.add(op("replace", path + "/" + i, q));
                }
            }
            for (int i = common; i < y.size(); i++) {
                ops.add(op("add", path + "/" + i, y.get(i)));
            }
            for (int i = x.size() - 1; i >= common; i--) {
                ops.add(op("remove", path + "/" + i, null));
            }
        } else if (!a.equals(b)) {
            ops.add(op("replace", path, b));
        }
    }

    private static String token(Value key) {
        return EntryMask.pointerToken(ObjectValue.keyText(key));
    }

    private static Value op(String op, String path, Value value) {
        ObjectValue.Builder b = ObjectValue.builder().put("op", StringValue.of(op)).put("path", StringValue.of(path));
        return (value == null ? b : b.put("value", value)).build();
    }

    /**
     * The document after the patch; {@code doc} is not changed.
     *
     * @throws IllegalArgumentException when an operation is not {@code add}, {@code remove} or {@code replace}, or
     *                                  its path does not lead where RFC 6902 requires it to
     */
    public static JsonNode apply(JsonNode doc, JsonNode patch) {
        if (!patch.isArray()) {
            throw new IllegalArgumentException("a patch is an array of operations");
        }
        JsonNode out = doc.deepCopy();
        for (int n = 0; n < patch.size(); n++) {
            JsonNode op = patch.get(n);
            String kind = op.path("op").asText();
            String path = op.path("path").asText(null);
            if (!op.isObject() || path == null || !(kind.equals("add") || kind.equals("remove") || kind.equals("replace"))) {
                throw new IllegalArgumentException("operation " + n + " is not an add, remove or replace with a path");
            }
            JsonNode value = op.get("value");
            if (!kind.equals("remove") && value == null) {
                throw new IllegalArgumentException("operation " + n + " (" + kind + " " + path + ") has no value");
            }
            if (path.isEmpty()) {
                if (!kind.equals("replace")) {
                    throw new IllegalArgumentException("operation " + n + ": only replace applies to the whole document");
                }
                out = value.deepCopy();
                continue;
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("operation " + n + ": path '" + path + "' is not a JSON pointer");
            }
            int last = path.lastIndexOf('/');
            JsonNode parent = out.at(path.substring(0, last));
            String name = EntryMask.unescape(path.substring(last + 1));
            if (parent instanceof ObjectNode o) {
                if (!kind.equals("add") && !o.has(name)) {
                    throw new IllegalArgumentException("operation " + n + ": nothing at " + path + " to " + kind);
                }
                if (kind.equals("remove")) {
                    o.remove(name);
                } else {
                    o.set(name, value.deepCopy());
                }
            } else if (parent instanceof ArrayNode a) {
                // add may insert at the end ("-" or the size); remove and replace need an element
                int i = index(name, kind.equals("add") ? a.size() : a.size() - 1, kind.equals("add"), n, path);
                switch (kind) {
                    case "add" -> a.insert(i, value.deepCopy());
                    case "remove" -> a.remove(i);
                    default -> a.set(i, value.deepCopy());
                }
            } else {
                throw new IllegalArgumentException("operation " + n + ": no object or array holds " + path);
            }
        }
        return out;
    }

    /**
     * The input a decision entry holds: {@code input} as it is, or the input of the tenant's previous decision entry
     * ({@code previousDecision}, {@code previousInput}; null when there is none) with the entry's {@code input_patch}
     * applied, checked against the entry's {@code input_sha256}.
     *
     * @throws IllegalArgumentException when the patch is against another decision, does not apply, or does not
     *                                  give the input its hash names
     */
    public static JsonNode input(JsonNode entry, @Nullable String previousDecision, @Nullable JsonNode previousInput) {
        JsonNode patch = entry.get("input_patch");
        if (patch == null) {
            return entry.get("input");
        }
        String base = entry.path("input_base").asText();
        if (previousDecision == null || previousInput == null || !previousDecision.equals(base)) {
            throw new IllegalArgumentException("holds its input as a patch against decision " + base + ", which is not "
                    + "tenant " + entry.path("tenant").asText() + "'s previous decision entry ("
                    + (previousDecision == null ? "there is none" : "that is decision " + previousDecision) + ")");
        }
        JsonNode input;
        try {
            input = apply(previousInput, patch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its input_patch does not apply: " + e.getMessage());
        }
        if (!Dossier.sha256(Jcs.canonicalize(input)).equals(entry.path("input_sha256").asText())) {
            throw new IllegalArgumentException("the input rebuilt from its patch does not hash to its input_sha256");
        }
        return input;
    }

    private static int index(String token, int max, boolean end, int n, String path) {
        if (token.equals("-") && end) {
            return max;
        }
        if (!token.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(token) > max) {
            throw new IllegalArgumentException("operation " + n + ": " + path + " is not an index of its array");
        }
        return Integer.parseInt(token);
    }
}
