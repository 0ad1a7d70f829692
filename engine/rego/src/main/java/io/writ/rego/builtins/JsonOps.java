package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Built-ins that edit documents by path: {@code json.filter}, {@code json.remove} and {@code json.patch}.
 *
 * <p>Paths are JSON-pointer strings ({@code "a/b/0"}, {@code ~0}/{@code ~1} escapes, leading slashes
 * ignored) or arrays of raw segments ({@code ["a", "b", 0]}). As in OPA, filter and remove index arrays only
 * by string segments ({@code "0"}), while json.patch also accepts integer segments and {@code "-"}.
 *
 * <p>json.patch follows OPA's edit-tree implementation rather than a textbook RFC 6902, including its
 * quirks: sets can be patched (a set element's key is the element itself), and descending into an array
 * element that has not been edited yet reads it from the array as it was before the patch started.
 */
final class JsonOps {
    private JsonOps() {
    }

    static void register(Registry.Builder r) {
        r.fn("json.filter", 2, (ctx, a) -> {
            ObjectValue obj = Args.object("json.filter", a, 0);
            return filter(obj, pathTree(paths("json.filter", a[1])));
        });
        r.fn("json.remove", 2, (ctx, a) -> {
            ObjectValue obj = Args.object("json.remove", a, 0);
            return remove(obj, pathTree(paths("json.remove", a[1])));
        });
        r.fn("json.patch", 2, (ctx, a) -> {
            ArrayValue ops = Args.array("json.patch", a, 1);
            return patch(a[0], ops);
        });
    }

    // ---------------------------------------------------------------- paths

    private static List<List<Value>> paths(String fn, Value operand) {
        List<Value> items = switch (operand) {
            case ArrayValue arr -> arr.items();
            case SetValue set -> set.elements();
            default -> throw Args.typeError(fn, 1, operand, "set", "array");
        };
        List<List<Value>> out = new ArrayList<>(items.size());
        for (Value item : items) {
            out.add(parsePath(fn, item));
        }
        return out;
    }

    /** One path: a JSON pointer string or an array of segments. */
    private static List<Value> parsePath(String fn, Value path) {
        if (path instanceof StringValue s) {
            List<Value> segments = new ArrayList<>();
            if (s.value().isEmpty()) {
                return segments;
            }
            String p = s.value();
            int start = 0;
            while (start < p.length() && p.charAt(start) == '/') {
                start++;
            }
            for (String part : p.substring(start).split("/", -1)) {
                segments.add(StringValue.of(part.replace("~1", "/").replace("~0", "~")));
            }
            return segments;
        }
        if (path instanceof ArrayValue arr) {
            return arr.items();
        }
        throw BuiltinException.type(fn + ": operand 2 must be one of {set, array} containing string paths or array of "
                + "path segments but got " + path.typeName());
    }

    /** A path node: {@link #LEAF} marks the end of a path, otherwise a map of the next segments. */
    private static final Object LEAF = new Object();

    /**
     * Merges the paths into one tree. A path that is a prefix of another one wins: everything below it is
     * selected (filter) or removed (remove) anyway.
     */
    private static Map<Value, Object> pathTree(List<List<Value>> paths) {
        Map<Value, Object> root = new TreeMap<>();
        for (List<Value> path : paths) {
            if (path.isEmpty()) {
                continue;
            }
            Map<Value, Object> node = root;
            boolean done = false;
            for (int i = 0; i < path.size() - 1 && !done; i++) {
                Object child = node.get(path.get(i));
                if (child == null) {
                    Map<Value, Object> next = new TreeMap<>();
                    node.put(path.get(i), next);
                    node = next;
                } else if (child == LEAF) {
                    done = true;
                } else {
                    node = castNode(child);
                }
            }
            if (!done) {
                node.put(path.get(path.size() - 1), LEAF);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Map<Value, Object> castNode(Object node) {
        return (Map<Value, Object>) node;
    }

    private static StringValue indexKey(int i) {
        return StringValue.of(Integer.toString(i));
    }

    // ---------------------------------------------------------------- json.filter

    private static Value filter(Value v, Object selection) {
        if (selection == LEAF) {
            return v;
        }
        Map<Value, Object> sel = castNode(selection);
        switch (v) {
            case ArrayValue arr -> {
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Object sub = sel.get(indexKey(i));
                    if (sub != null) {
                        out.add(filter(arr.get(i), sub));
                    }
                }
                return ArrayValue.of(out);
            }
            case SetValue set -> {
                List<Value> out = new ArrayList<>();
                for (Value e : set.elements()) {
                    Object sub = sel.get(e);
                    if (sub != null) {
                        out.add(filter(e, sub));
                    }
                }
                return SetValue.of(out);
            }
            case ObjectValue obj -> {
                ObjectValue.Builder out = ObjectValue.builder();
                for (int i = 0; i < obj.size(); i++) {
                    Object sub = sel.get(obj.keyAt(i));
                    if (sub != null) {
                        out.put(obj.keyAt(i), filter(obj.valueAt(i), sub));
                    }
                }
                return out.build();
            }
            default -> {
                return v;
            }
        }
    }

    // ---------------------------------------------------------------- json.remove

    /** {@code v} without the selected parts, or null when {@code v} itself is removed. */
    private static Value remove(Value v, Object selection) {
        if (selection == null) {
            return v;
        }
        if (selection == LEAF) {
            return null;
        }
        Map<Value, Object> sel = castNode(selection);
        switch (v) {
            case ArrayValue arr -> {
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Value kept = remove(arr.get(i), sel.get(indexKey(i)));
                    if (kept != null) {
                        out.add(kept);
                    }
                }
                return ArrayValue.of(out);
            }
            case SetValue set -> {
                List<Value> out = new ArrayList<>();
                for (Value e : set.elements()) {
                    Value kept = remove(e, sel.get(e));
                    if (kept != null) {
                        out.add(kept);
                    }
                }
                return SetValue.of(out);
            }
            case ObjectValue obj -> {
                ObjectValue.Builder out = ObjectValue.builder();
                for (int i = 0; i < obj.size(); i++) {
                    Value kept = remove(obj.valueAt(i), sel.get(obj.keyAt(i)));
                    if (kept != null) {
                        out.put(obj.keyAt(i), kept);
                    }
                }
                return out.build();
            }
            default -> {
                return v;
            }
        }
    }

    // ---------------------------------------------------------------- json.patch

    private static Value patch(Value doc, ArrayValue ops) {
        Node root = new Node(doc);
        for (Value item : ops.items()) {
            if (!(item instanceof ObjectValue op)) {
                throw patchError("must be an array of JSON-Patch objects, but at least one element is not an object");
            }
            if (op.get("path") == null) {
                throw patchError("missing required attribute 'path'");
            }
            Value opName = op.get("op");
            if (opName == null) {
                throw patchError("missing required attribute 'op'");
            }
            if (!(opName instanceof StringValue name)) {
                throw patchError("attribute 'op' must be a string but found: " + opName.typeName());
            }
            List<Value> path = parsePath("json.patch", op.get("path"));
            switch (name.value()) {
                case "add" -> root.insertAt(path, required(op, "value"));
                case "remove" -> root.deleteAt(path);
                case "replace" -> {
                    root.deleteAt(path);
                    root.insertAt(path, required(op, "value"));
                }
                case "move" -> {
                    List<Value> from = parsePath("json.patch", required(op, "from"));
                    Value chunk = root.renderAt(from);
                    root.deleteAt(from);
                    root.insertAt(path, chunk);
                }
                case "copy" -> {
                    List<Value> from = parsePath("json.patch", required(op, "from"));
                    root.insertAt(path, root.renderAt(from));
                }
                case "test" -> {
                    Value chunk = root.renderAt(path);
                    Value expected = required(op, "value");
                    if (!expected.equals(chunk)) {
                        throw patchError("value from EditTree != patch value.\n\nExpected: " + expected.toRego()
                                + "\n\nFound: " + (chunk == null ? "<nil>" : chunk.toRego()));
                    }
                }
                default -> throw patchError("unrecognized op: '" + name.value() + "'");
            }
        }
        // Removing the whole document leaves nothing to return (OPA would hand its evaluator a nil term).
        return root.render();
    }

    private static Value required(ObjectValue op, String attribute) {
        Value v = op.get(attribute);
        if (v == null) {
            throw patchError("missing required attribute '" + attribute + "'");
        }
        return v;
    }

    private static BuiltinException patchError(String message) {
        return BuiltinException.error("json.patch: " + message);
    }

    /**
     * One node of OPA's edit tree: the value the node started from plus the edits made below it, rendered
     * only when read. Keeping the starting value (rather than editing immutable values directly) is what
     * reproduces OPA's results and messages, which refer to that value.
     */
    private static final class Node {
        /** The starting value; null once the node (only ever the root) was removed. */
        private Value value;
        /** Object and set edits by key: a {@link Node}, or a {@link Removed} marker for a removed key. */
        private Map<Value, Object> children;
        /** Array elements: an Integer is an untouched element at that index of {@link #value}, a Node an edit. */
        private List<Object> elements;

        Node(Value value) {
            reset(value);
        }

        private void reset(Value v) {
            value = v;
            children = null;
            elements = null;
            if (v instanceof ObjectValue || v instanceof SetValue) {
                children = new HashMap<>();
            } else if (v instanceof ArrayValue arr) {
                elements = new ArrayList<>(arr.size());
                for (int i = 0; i < arr.size(); i++) {
                    elements.add(i);
                }
            }
        }

        Value render() {
            switch (value) {
                case null -> {
                    return null;
                }
                case ObjectValue obj -> {
                    if (children.isEmpty()) {
                        return obj;
                    }
                    ObjectValue.Builder out = ObjectValue.builder();
                    for (int i = 0; i < obj.size(); i++) {
                        if (!children.containsKey(obj.keyAt(i))) {
                            out.put(obj.keyAt(i), obj.valueAt(i));
                        }
                    }
                    children.forEach((k, child) -> {
                        if (child instanceof Node n) {
                            out.put(k, n.render());
                        }
                    });
                    return out.build();
                }
                case SetValue set -> {
                    if (children.isEmpty()) {
                        return set;
                    }
                    List<Value> out = new ArrayList<>();
                    for (Value e : set.elements()) {
                        if (!children.containsKey(e)) {
                            out.add(e);
                        }
                    }
                    children.values().forEach(child -> {
                        if (child instanceof Node n) {
                            out.add(n.render());
                        }
                    });
                    return SetValue.of(out);
                }
                case ArrayValue arr -> {
                    Value[] out = new Value[elements.size()];
                    for (int i = 0; i < out.length; i++) {
                        Object e = elements.get(i);
                        out[i] = e instanceof Integer orig ? arr.get(orig) : ((Node) e).render();
                    }
                    return ArrayValue.wrap(out);
                }
                default -> {
                    return value;
                }
            }
        }

        void insertAt(List<Value> path, Value v) {
            if (v == null) {
                throw patchError("cannot insert nil value into EditTree");
            }
            if (path.isEmpty()) {
                reset(v);
                return;
            }
            unfold(path, path.size() - 1).insert(path.get(path.size() - 1), v);
        }

        void deleteAt(List<Value> path) {
            if (path.isEmpty()) {
                if (value == null) {
                    throw patchError("deleted node encountered during delete operation");
                }
                reset(null);
                return;
            }
            unfold(path, path.size() - 1).delete(path.get(path.size() - 1));
        }

        Value renderAt(List<Value> path) {
            return unfold(path, path.size()).render();
        }

        /** The node reached by the first {@code n} segments of {@code path}, materialising edits on the way. */
        private Node unfold(List<Value> path, int n) {
            Node node = this;
            for (int i = 0; i < n; i++) {
                node = node.child(path.get(i));
            }
            return node;
        }

        private Node child(Value key) {
            switch (value) {
                case null -> throw patchError("nil value encountered where composite value was expected");
                case ObjectValue obj -> {
                    Object edited = children.get(key);
                    if (edited instanceof Removed removed) {
                        throw patchError("cannot unfold the already deleted " + removed.word + " node for key "
                                + key.toRego());
                    }
                    if (edited != null) {
                        return (Node) edited;
                    }
                    Value v = obj.get(key);
                    if (v == null) {
                        throw patchError("path " + key.toRego() + " does not exist in object term " + obj.toRego());
                    }
                    return insert(key, v);
                }
                case SetValue set -> {
                    if (!key.isScalar()) {
                        collapse();
                    } else if (children.get(key) instanceof Node child) {
                        return child;
                    } else if (children.containsKey(key)) {
                        // OPA dereferences a nil node here; report it as the nil value it is.
                        throw patchError("nil value encountered where composite value was expected");
                    }
                    if (!((SetValue) value).contains(key)) {
                        throw patchError("path " + key.toRego() + " does not exist in set term " + value.toRego());
                    }
                    return insert(key, key);
                }
                case ArrayValue arr -> {
                    int idx = toIndex(elements.size(), key);
                    if (idx >= 0 && idx < elements.size() && elements.get(idx) instanceof Node child) {
                        return child;
                    }
                    // OPA reads an unedited element by its index in the starting array, even when earlier
                    // inserts or removals have shifted the array since.
                    if (idx < 0 || idx >= arr.size()) {
                        throw patchError("path " + idx + " does not exist in array term " + arr.toRego());
                    }
                    delete(NumberValue.of(idx));
                    return insert(NumberValue.of(idx), arr.get(idx));
                }
                default -> throw patchError("expected composite type for path " + key.toRego() + ", found value: "
                        + value.toRego() + " (type: " + goType(value) + ")");
            }
        }

        private Node insert(Value key, Value v) {
            switch (value) {
                case null -> throw patchError("deleted node encountered during insert operation");
                case ObjectValue obj -> {
                    Node child = new Node(v);
                    children.put(key, child);
                    return child;
                }
                case SetValue set -> {
                    if (!key.equals(v)) {
                        throw patchError("set key " + key.toRego() + " does not equal value to be inserted " + v.toRego());
                    }
                    if (!key.isScalar()) {
                        collapse();
                    }
                    Node child = new Node(v);
                    children.put(key, child);
                    return child;
                }
                case ArrayValue arr -> {
                    int idx = toIndex(elements.size(), key);
                    if (idx < 0 || idx > elements.size()) {
                        throw patchError("index for array insertion out of bounds");
                    }
                    Node child = new Node(v);
                    elements.add(idx, child);
                    return child;
                }
                default -> throw patchError("expected composite type, found value: " + value.toRego()
                        + " (type: " + goType(value) + ")");
            }
        }

        private void delete(Value key) {
            switch (value) {
                case null -> throw patchError("deleted node encountered during delete operation");
                case ObjectValue obj -> deleteKey(key, obj.get(key));
                case SetValue set -> {
                    if (!key.isScalar()) {
                        collapse();
                    }
                    deleteKey(key, ((SetValue) value).contains(key) ? key : null);
                }
                case ArrayValue arr -> {
                    int idx = toIndex(elements.size(), key);
                    if (idx < 0 || idx > elements.size() - 1) {
                        throw patchError("index for array delete out of bounds");
                    }
                    elements.remove(idx);
                }
                default -> throw patchError("expected composite type, found value: " + value.toRego()
                        + " (type: " + goType(value) + ")");
            }
        }

        /** Marks an object key or set element removed; {@code original} is its unedited value, if any. */
        private void deleteKey(Value key, Value original) {
            Object edited = children.get(key);
            Value current;
            if (edited instanceof Removed removed) {
                throw patchError("cannot delete the already deleted " + removed.word + " node for key " + key.toRego());
            } else if (edited instanceof Node n) {
                current = n.value;
            } else if (original == null) {
                throw patchError("cannot delete child key " + key.toRego() + " that does not exist");
            } else {
                current = original;
            }
            children.put(key, current.isScalar() ? Removed.SCALAR : Removed.COMPOSITE);
        }

        /** Folds a set's edits into its value, because composite elements are addressed by their current content. */
        private void collapse() {
            reset(render());
        }
    }

    /** A removed object key or set element; OPA's messages about it say which kind of value it held. */
    private enum Removed {
        SCALAR("scalar"), COMPOSITE("composite");

        final String word;

        Removed(String word) {
            this.word = word;
        }
    }

    /** Go's type name for OPA's scalar values, as its %T verb prints them in edit-tree errors. */
    private static String goType(Value v) {
        return switch (v) {
            case StringValue s -> "ast.String";
            case NumberValue n -> "ast.Number";
            case BooleanValue b -> "ast.Boolean";
            default -> v == NullValue.INSTANCE ? "ast.Null" : v.typeName();
        };
    }

    /**
     * An array index from a path segment: an integer, a decimal string without leading zeros, or
     * {@code "-"} for the end of the array. Out-of-range indexes are returned as is for the caller to report.
     */
    private static int toIndex(int length, Value segment) {
        if (segment instanceof NumberValue n) {
            // OPA accepts any integer that fits an int64; everything else is not an index.
            if (!n.isInteger() || n.bigInteger().bitLength() > 63) {
                throw patchError("invalid number type for indexing");
            }
            return clamp(n.bigInteger().longValue());
        }
        if (segment instanceof StringValue s) {
            String text = s.value();
            if (text.equals("-")) {
                return length;
            }
            // Go's strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits only.
            if (!text.matches("[+-]?[0-9]+")) {
                throw patchError("invalid string for indexing");
            }
            BigInteger parsed = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
            if (parsed.bitLength() > 63) {
                throw patchError("invalid string for indexing");
            }
            if (!text.equals("0") && text.startsWith("0")) {
                throw patchError("leading zeros are not allowed in JSON paths");
            }
            return clamp(parsed.longValue());
        }
        throw patchError("invalid type for indexing");
    }

    /** Indexes beyond int range are out of bounds for every array, so clamping keeps the callers' reports right. */
    private static int clamp(long index) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, index));
    }
}
