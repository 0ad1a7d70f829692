package io.writ.rego.ast;

import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A node of the virtual document tree under {@code data}: a package, a prefix of a rule's ref head,
 * or the place where rules define a value. Built by the {@link Compiler}, read-only afterwards.
 */
public final class Node {
    /** What the rules at this node define. */
    public enum Kind { NONE, SINGLE, MULTI, OBJECT, FUNCTION }

    private final Value[] path;
    private final String name;
    private final TreeMap<Value, Node> children = new TreeMap<>();
    private final List<CompiledRule> rules = new ArrayList<>();
    private CompiledRule defaultRule;
    private Kind kind = Kind.NONE;
    private int arity = -1;
    private int id = -1;

    Node(Value[] path) {
        this.path = path;
        StringBuilder sb = new StringBuilder("data");
        for (Value v : path) {
            if (v instanceof StringValue s && s.value().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                sb.append('.').append(s.value());
            } else {
                sb.append('[').append(v.toRego()).append(']');
            }
        }
        this.name = sb.toString();
    }

    /** Path below {@code data}. */
    public Value[] path() {
        return path;
    }

    /** {@code data.a.b} */
    public String name() {
        return name;
    }

    public TreeMap<Value, Node> children() {
        return children;
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public CompiledRule defaultRule() {
        return defaultRule;
    }

    public Kind kind() {
        return kind;
    }

    public int arity() {
        return arity;
    }

    /** Dense index of this node in its tree, for per-evaluation caches. */
    public int id() {
        return id;
    }

    /** Numbers the nodes of a tree 0..n-1 and returns n. */
    static int number(Node root) {
        int[] next = {0};
        numberFrom(root, next);
        return next[0];
    }

    private static void numberFrom(Node n, int[] next) {
        n.id = next[0]++;
        for (Node c : n.children.values()) {
            numberFrom(c, next);
        }
    }

    public boolean hasRules() {
        return kind != Kind.NONE;
    }

    Node child(Value key) {
        return children.computeIfAbsent(key, k -> {
            Value[] p = java.util.Arrays.copyOf(path, path.length + 1);
            p[path.length] = k;
            return new Node(p);
        });
    }

    void kind(Kind k) {
        this.kind = k;
    }

    void arity(int a) {
        this.arity = a;
    }

    void defaultRule(CompiledRule r) {
        this.defaultRule = r;
    }

    @Override
    public String toString() {
        return name;
    }
}
