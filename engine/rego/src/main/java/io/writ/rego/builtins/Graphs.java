package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.Value;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Graph built-ins: the relation {@code walk} (every {@code [path, value]} pair of a document, in
 * pre-order), {@code graph.reachable} and {@code graph.reachable_paths}. A graph is an object from
 * node to its neighbours, given as an array or a set; anything else there counts as no neighbours.
 */
final class Graphs {
    private Graphs() {
    }

    static void register(Registry.Builder r) {
        r.relation("walk", 1, (ctx, a) -> walk(a[0]));
        r.fn("graph.reachable", 2, (ctx, a) -> reachable(Args.object("graph.reachable", a, 0),
                initial("graph.reachable", a[1])));
        r.fn("graph.reachable_paths", 2, (ctx, a) -> reachablePaths(Args.object("graph.reachable_paths", a, 0),
                initial("graph.reachable_paths", a[1])));
    }

    /** All {@code [path, value]} pairs: the value itself first, then its children in order (set members are their own keys). */
    private static ArrayValue walk(Value root) {
        List<Value> out = new ArrayList<>();
        walk(root, new ArrayList<>(), out);
        return ArrayValue.of(out);
    }

    private static void walk(Value v, List<Value> path, List<Value> out) {
        out.add(ArrayValue.of(ArrayValue.of(path), v));
        switch (v) {
            case ArrayValue a -> {
                for (int i = 0; i < a.size(); i++) {
                    descend(NumberValue.of(i), a.get(i), path, out);
                }
            }
            case ObjectValue o -> {
                for (int i = 0; i < o.size(); i++) {
                    descend(o.keyAt(i), o.valueAt(i), path, out);
                }
            }
            case SetValue s -> {
                for (Value e : s.elements()) {
                    descend(e, e, path, out);
                }
            }
            default -> {
            }
        }
    }

    private static void descend(Value key, Value child, List<Value> path, List<Value> out) {
        path.add(key);
        walk(child, path, out);
        path.remove(path.size() - 1);
    }

    /** The start nodes: an array or a set (OPA's message spells the alternatives in braces). */
    private static List<Value> initial(String fn, Value v) {
        List<Value> nodes = neighbours(v);
        if (nodes == null) {
            throw Args.typeError(fn, 1, v, "{array, set}");
        }
        return nodes;
    }

    /** The members of an array or set, else null. */
    private static List<Value> neighbours(Value v) {
        return switch (v) {
            case ArrayValue a -> a.items();
            case SetValue s -> s.elements();
            default -> null;
        };
    }

    /** Breadth-first from the start nodes; a node counts as reached only if the graph has it as a key. */
    private static SetValue reachable(ObjectValue graph, List<Value> start) {
        Set<Value> reached = new HashSet<>();
        ArrayDeque<Value> queue = new ArrayDeque<>(start);
        while (!queue.isEmpty()) {
            Value node = queue.poll();
            Value edges = graph.get(node);
            if (edges == null) {
                continue;
            }
            for (Value next : edgesOf(edges)) {
                if (!reached.contains(next)) {
                    queue.add(next);
                }
            }
            reached.add(node);
        }
        return SetValue.of(reached);
    }

    private static List<Value> edgesOf(Value edges) {
        List<Value> n = neighbours(edges);
        return n == null ? Collections.emptyList() : n;
    }

    /**
     * Every path from a start node (that the graph has) to where it ends: at a node without neighbours,
     * before a node the graph lacks, or where it would revisit a node of the same path.
     */
    private static SetValue reachablePaths(ObjectValue graph, List<Value> start) {
        Set<Value> paths = new HashSet<>();
        for (Value node : start) {
            Value edges = graph.get(node);
            if (edges == null) {
                continue;
            }
            List<Value> next = edgesOf(edges);
            if (next.isEmpty()) {
                paths.add(ArrayValue.of(node));
                continue;
            }
            for (Value neighbour : next) {
                List<Value> path = new ArrayList<>();
                path.add(node);
                extendPath(graph, neighbour, path, paths);
            }
        }
        return SetValue.of(paths);
    }

    private static void extendPath(ObjectValue graph, Value node, List<Value> path, Set<Value> paths) {
        Value edges = graph.get(node);
        if (edges == null) {
            paths.add(ArrayValue.of(path));
            return;
        }
        path.add(node);
        List<Value> next = edgesOf(edges);
        if (next.isEmpty()) {
            paths.add(ArrayValue.of(path));
        }
        for (Value neighbour : next) {
            if (path.contains(neighbour)) {
                paths.add(ArrayValue.of(path)); // a cycle: the path ends here
            } else {
                extendPath(graph, neighbour, path, paths);
            }
        }
        path.remove(path.size() - 1);
    }
}
