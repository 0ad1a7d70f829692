package io.writ.rego.topdown;

import io.writ.rego.RegoEvalException;
import io.writ.rego.ast.CompiledRule;
import io.writ.rego.ast.Compiler;
import io.writ.rego.ast.Expr;
import io.writ.rego.ast.Location;
import io.writ.rego.ast.Node;
import io.writ.rego.ast.Targets;
import io.writ.rego.ast.Term;
import io.writ.rego.builtins.Builtin;
import io.writ.rego.builtins.BuiltinContext;
import io.writ.rego.builtins.BuiltinException;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * One top-down evaluation, in the style of OPA's topdown: depth-first search over the body
 * expressions with variables bound in a frame and undone on backtracking. Continuations return
 * {@code false} to stop the search early (a {@code not} that found a solution, a complete rule with a
 * constant value). Rule values are computed once per evaluation and {@code with} scope.
 * Not thread-safe: create one per evaluation; the compiled policy it reads is shared and immutable.
 */
public final class Evaluation implements BuiltinContext {
    /** Continuation after an expression succeeded. */
    @FunctionalInterface
    interface K {
        boolean go();
    }

    /** Continuation receiving a value. */
    @FunctionalInterface
    interface VK {
        boolean go(Value v);
    }

    private static final Value UNDEFINED = StringValue.of("\u0000undefined");

    private final Node root;
    private final int nodeCount;
    private final EvalOptions options;
    private final long now;
    private final long deadline;
    private long steps;
    private int depth;

    public Evaluation(Compiler.Compiled tree, EvalOptions options) {
        this.root = tree.root();
        this.nodeCount = tree.nodeCount();
        this.options = options;
        this.now = options.nowNanos() != null ? options.nowNanos() : currentNanos();
        this.deadline = options.timeoutNanos() > 0 ? System.nanoTime() + options.timeoutNanos() : Long.MAX_VALUE;
    }

    private static long currentNanos() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public long nowNanos() {
        return now;
    }

    /** Runs a compiled query; each result maps the query's variables to their values. */
    public List<Map<String, Value>> query(Compiler.CompiledQuery q, Value data, Value input) {
        Ctx c = new Ctx(input, data, List.of(), Map.of(), nodeCount);
        Value[] f = new Value[q.frameSize()];
        List<Map<String, Value>> out = new ArrayList<>();
        guard(() -> evalBody(c, f, q.body(), 0, () -> {
            Map<String, Value> m = new LinkedHashMap<>();
            q.resultVars().forEach((name, slot) -> {
                if (f[slot] != null) {
                    m.put(name, f[slot]);
                }
            });
            out.add(m);
            return true;
        }));
        return out;
    }

    /** The value of the document at a path under {@code data}, or null when undefined. */
    public Value document(Value data, Value input, List<Value> path) {
        Ctx c = new Ctx(input, data, List.of(), Map.of(), nodeCount);
        Value[] result = {null};
        List<Term> terms = new ArrayList<>();
        for (Value v : path) {
            terms.add(new Term.Const(v, null));
        }
        guard(() -> dataWalk(c, new Value[0], root, terms, 0, v -> {
            result[0] = v;
            return false;
        }));
        return result[0];
    }

    private void guard(K k) {
        try {
            k.go();
        } catch (StackOverflowError e) {
            throw new RegoEvalException("eval_limit_error", null, "evaluation too deep (stack exhausted)");
        }
    }

    // ------------------------------------------------------------------ context

    /** The {@code with} scope: input, data, mocked functions, and the rule-value cache that belongs to them. */
    private static final class Ctx {
        final Value input;
        final Value data;
        final List<Value[]> overrides;
        final Map<String, Object> mocks;
        final Value[] docs;
        final HashMap<FnKey, Value> calls = new HashMap<>();

        Ctx(Value input, Value data, List<Value[]> overrides, Map<String, Object> mocks, int nodes) {
            this.docs = new Value[nodes];
            this.input = input;
            this.data = data;
            this.overrides = overrides;
            this.mocks = mocks;
        }

        private Ctx unmocked;
        private java.util.IdentityHashMap<Term, Object> indexes;

        /** Comprehension indexes built in this scope (see {@link Term.IndexedCompr}). */
        java.util.IdentityHashMap<Term, Object> indexes() {
            if (indexes == null) {
                indexes = new java.util.IdentityHashMap<>();
            }
            return indexes;
        }

        /** The same scope without function mocks: a mock runs against the real functions, as in OPA. */
        Ctx unmocked() {
            if (mocks.isEmpty()) {
                return this;
            }
            if (unmocked == null) {
                unmocked = new Ctx(input, data, overrides, Map.of(), docs.length);
            }
            return unmocked;
        }

        boolean overridden(Node n) {
            for (Value[] p : overrides) {
                if (isPrefix(p, n.path())) {
                    return true;
                }
            }
            return false;
        }
    }

    private record FnKey(Node node, List<Value> args) {
    }

    private static boolean isPrefix(Value[] p, Value[] path) {
        if (p.length > path.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ bodies and expressions

    /**
     * Runs the body from expression {@code from}. Expressions with exactly one outcome (a comparison, an
     * assignment of a single value) run in a plain loop; the first one that may have several solutions
     * continues in continuation-passing style. Bindings made in the loop are undone before returning.
     */
    private boolean evalBody(Ctx c, Value[] f, List<Expr> body, int from, K k) {
        int n = body.size();
        int i = from;
        int[] bound = null;
        int nBound = 0;
        boolean result = true;
        loop:
        while (true) {
            if (i == n) {
                result = k.go();
                break;
            }
            Expr e = body.get(i);
            step(e.loc());
            if (e.withs().isEmpty()) {
                if (e instanceof Expr.TermExpr t) {
                    Value v = direct(c, f, t.term());
                    if (v != NOT_QUICK) {
                        if (v == null || !v.isTruthy()) {
                            break;
                        }
                        i++;
                        continue;
                    }
                } else if (e instanceof Expr.Not not && not.expr() instanceof Expr.TermExpr t && not.expr().withs().isEmpty()) {
                    Value v = direct(c, f, t.term());
                    if (v != NOT_QUICK) {
                        if (v != null && v.isTruthy()) {
                            break;
                        }
                        i++;
                        continue;
                    }
                } else if (assignee(e, f) instanceof Term.Local l) {
                    Value v = direct(c, f, e instanceof Expr.Assign a ? a.right() : otherSide((Expr.Unify) e, l));
                    if (v != NOT_QUICK) {
                        if (v == null) {
                            break;
                        }
                        f[l.slot()] = v;
                        if (bound == null) {
                            bound = new int[n - from];
                        }
                        bound[nBound++] = l.slot();
                        i++;
                        continue;
                    }
                }
            }
            int next = i + 1;
            result = e.withs().isEmpty() ? evalPlain(c, f, e, () -> evalBody(c, f, body, next, k))
                    : evalWiths(c, f, e, 0, new Object[e.withs().size()], () -> evalBody(c, f, body, next, k));
            break loop;
        }
        for (int b = 0; b < nBound; b++) {
            f[bound[b]] = null;
        }
        return result;
    }

    /** The unbound variable an {@code x := t} or {@code x = t} / {@code t = x} binds, else null. */
    private static Term assignee(Expr e, Value[] f) {
        if (e instanceof Expr.Assign a && a.left() instanceof Term.Local l && f[l.slot()] == null) {
            return l;
        }
        if (e instanceof Expr.Unify u) {
            if (u.left() instanceof Term.Local l && f[l.slot()] == null && evaluableNow(f, u.right())) {
                return l;
            }
            if (u.right() instanceof Term.Local l && f[l.slot()] == null && evaluableNow(f, u.left())) {
                return l;
            }
        }
        return null;
    }

    private static Term otherSide(Expr.Unify u, Term.Local l) {
        return u.left() == l ? u.right() : u.left();
    }

    /**
     * The one value of a term that cannot have several: constants, bound variables, known refs, calls on
     * such arguments, comprehensions. Null when undefined; {@link #NOT_QUICK} when the term needs a search.
     */
    private Value direct(Ctx c, Value[] f, Term t) {
        Value q = quick(c, f, t);
        if (q != NOT_QUICK) {
            return q;
        }
        if (t instanceof Term.Call call) {
            return directCall(c, f, call);
        }
        if (t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr
                || t instanceof Term.IndexedCompr) {
            Value[] box = {null};
            evalComposite(c, f, t, v -> {
                box[0] = v;
                return true;
            });
            return box[0];
        }
        return NOT_QUICK;
    }

    private Value directCall(Ctx c, Value[] f, Term.Call call) {
        Term.CallTarget target = call.target();
        List<Term> args = call.args();
        int arity;
        if (target instanceof Targets.BuiltinTarget b && !b.builtin().relation()) {
            arity = b.builtin().arity();
        } else if (target instanceof Targets.FunctionTarget fn) {
            arity = fn.node().arity();
        } else if (target instanceof Targets.Special sp && sp.name().startsWith("internal.member")) {
            arity = sp.arity();
        } else {
            return NOT_QUICK;
        }
        if (args.size() != arity || !c.mocks.isEmpty()) {
            return NOT_QUICK;
        }
        Value[] argv = new Value[arity];
        for (int i = 0; i < arity; i++) {
            Value v = direct(c, f, args.get(i));
            if (v == NOT_QUICK || v == null) {
                return v;
            }
            argv[i] = v;
        }
        if (target instanceof Targets.BuiltinTarget b) {
            Value[] box = {null};
            callBuiltin(b.builtin(), call.loc(), argv, v -> {
                box[0] = v;
                return true;
            });
            return box[0];
        }
        if (target instanceof Targets.FunctionTarget fn) {
            return callFunction(c, fn.node(), argv);
        }
        return arity == 2 ? BooleanValue.of(member(argv[0], argv[1])) : BooleanValue.of(member3(argv[0], argv[1], argv[2]));
    }

    private static boolean member(Value x, Value coll) {
        if (coll instanceof SetValue s) {
            return s.contains(x);
        }
        if (coll instanceof ArrayValue a) {
            return a.items().contains(x);
        }
        return coll instanceof ObjectValue o && o.values().contains(x);
    }

    private static boolean member3(Value key, Value value, Value coll) {
        Value found = coll instanceof SetValue ? null : lookup(coll, key);
        return found != null && found.equals(value);
    }

    private void step(Location loc) {
        long s = ++steps;
        if (s > options.maxSteps()) {
            throw new RegoEvalException("eval_limit_error", loc, "evaluation exceeded " + options.maxSteps() + " steps");
        }
        if ((s & 1023) == 0 && System.nanoTime() > deadline) {
            throw new RegoEvalException("eval_limit_error", loc, "evaluation exceeded the time limit of "
                    + options.timeoutNanos() / 1_000_000 + " ms");
        }
    }

    private boolean evalExpr(Ctx c, Value[] f, Expr e, K k) {
        step(e.loc());
        if (!e.withs().isEmpty()) {
            return evalWiths(c, f, e, 0, new Object[e.withs().size()], k);
        }
        return evalPlain(c, f, e, k);
    }

    private boolean evalWiths(Ctx c, Value[] f, Expr e, int i, Object[] values, K k) {
        if (i == values.length) {
            Ctx inner = withCtx(c, e.withs(), values);
            return evalPlain(inner, f, e, k);
        }
        Term v = e.withs().get(i).value();
        if (v instanceof Term.FuncRef fr) {
            values[i] = fr;
            return evalWiths(c, f, e, i + 1, values, k);
        }
        return evalTerm(c, f, v, val -> {
            values[i] = val;
            return evalWiths(c, f, e, i + 1, values, k);
        });
    }

    private Ctx withCtx(Ctx c, List<Expr.With> withs, Object[] values) {
        Value input = c.input;
        Value data = c.data;
        List<Value[]> overrides = new ArrayList<>(c.overrides);
        Map<String, Object> mocks = new HashMap<>(c.mocks);
        for (int i = 0; i < withs.size(); i++) {
            Term target = withs.get(i).target();
            Object value = values[i];
            if (target instanceof Term.FuncRef fr) {
                mocks.put(fr.name(), value);
                continue;
            }
            Term.Ref ref = (Term.Ref) target;
            Value[] path = constPath(ref.path());
            Value v = (Value) value;
            if (ref.head() instanceof Term.Var head && head.name().equals("input")) {
                input = setPath(input, path, 0, v);
            } else {
                data = setPath(data, path, 0, v);
                overrides.add(path);
            }
        }
        return new Ctx(input, data, overrides, mocks, c.docs.length);
    }

    private static Value[] constPath(List<Term> path) {
        Value[] out = new Value[path.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = constOf(path.get(i));
        }
        return out;
    }

    private static Value constOf(Term t) {
        return switch (t) {
            case Term.Scalar s -> s.value();
            case Term.Const c -> c.value();
            default -> throw new RegoEvalException("eval_type_error", t.loc(), "with target path must be constant");
        };
    }

    private static Value setPath(Value base, Value[] path, int i, Value v) {
        if (i == path.length) {
            return v;
        }
        ObjectValue.Builder b = base instanceof ObjectValue o ? o.toBuilder() : ObjectValue.builder();
        Value cur = base instanceof ObjectValue o ? o.get(path[i]) : null;
        b.put(path[i], setPath(cur, path, i + 1, v));
        return b.build();
    }

    private boolean evalPlain(Ctx c, Value[] f, Expr e, K k) {
        // instanceof chains, most frequent first: measurably faster than a pattern switch on this hot path
        if (e instanceof Expr.TermExpr t) {
            return evalTerm(c, f, t.term(), v -> !v.isTruthy() || k.go());
        }
        if (e instanceof Expr.Assign a) {
            return unify(c, f, a.left(), a.right(), k);
        }
        if (e instanceof Expr.SomeIn s) {
            return evalTerm(c, f, s.collection(), coll -> iterate(coll, (key, val) ->
                    unifyValue(c, f, s.value(), val, () -> s.key() == null ? k.go() : unifyValue(c, f, s.key(), key, k))));
        }
        if (e instanceof Expr.Unify u) {
            return unify(c, f, u.left(), u.right(), k);
        }
        if (e instanceof Expr.Not n) {
            boolean none = evalExpr(c, f, n.expr(), () -> false);
            return !none || k.go();
        }
        if (e instanceof Expr.Every ev) {
            return evalTerm(c, f, ev.domain(), dom -> {
                boolean[] all = {true};
                iterate(dom, (key, val) -> {
                    boolean none = unifyValue(c, f, ev.value(), val, () -> ev.key() == null
                            ? evalBody(c, f, ev.body(), 0, () -> false)
                            : unifyValue(c, f, ev.key(), key, () -> evalBody(c, f, ev.body(), 0, () -> false)));
                    if (none) {
                        all[0] = false;
                        return false;
                    }
                    return true;
                });
                return !all[0] || k.go();
            });
        }
        return k.go(); // some x: a declaration only
    }

    /** Calls {@code fn(key, value)} for each element: index/item, key/value, or element/element for sets. */
    private static boolean iterate(Value coll, BiPredicate<Value, Value> fn) {
        if (coll instanceof ArrayValue a) {
            for (int i = 0; i < a.size(); i++) {
                if (!fn.test(NumberValue.of(i), a.get(i))) {
                    return false;
                }
            }
        } else if (coll instanceof ObjectValue o) {
            for (int i = 0; i < o.size(); i++) {
                if (!fn.test(o.keyAt(i), o.valueAt(i))) {
                    return false;
                }
            }
        } else if (coll instanceof SetValue s) {
            for (int i = 0; i < s.size(); i++) {
                if (!fn.test(s.get(i), s.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ unification

    private boolean unify(Ctx c, Value[] f, Term a, Term b, K k) {
        if (evaluableNow(f, a)) {
            return evalTerm(c, f, a, va -> unifyValue(c, f, b, va, k));
        }
        if (evaluableNow(f, b)) {
            return evalTerm(c, f, b, vb -> unifyValue(c, f, a, vb, k));
        }
        if (a instanceof Term.ArrayTerm x && b instanceof Term.ArrayTerm y) {
            return x.items().size() != y.items().size() || unifyPairs(c, f, x.items(), y.items(), 0, k);
        }
        if (a instanceof Term.ObjectTerm x && b instanceof Term.ObjectTerm y) {
            if (x.keys().size() != y.keys().size()) {
                return true;
            }
            List<Term> left = new ArrayList<>();
            List<Term> right = new ArrayList<>();
            for (int i = 0; i < x.keys().size(); i++) {
                Value key = constOf(x.keys().get(i));
                int j = -1;
                for (int m = 0; m < y.keys().size(); m++) {
                    if (key.equals(constOf(y.keys().get(m)))) {
                        j = m;
                    }
                }
                if (j < 0) {
                    return true;
                }
                left.add(x.values().get(i));
                right.add(y.values().get(j));
            }
            return unifyPairs(c, f, left, right, 0, k);
        }
        throw new RegoEvalException("eval_internal_error", a.loc(), "cannot unify two unbound terms");
    }

    private boolean unifyPairs(Ctx c, Value[] f, List<Term> a, List<Term> b, int i, K k) {
        if (i == a.size()) {
            return k.go();
        }
        return unify(c, f, a.get(i), b.get(i), () -> unifyPairs(c, f, a, b, i + 1, k));
    }

    private static boolean evaluableNow(Value[] f, Term t) {
        if (t instanceof Term.Local l) {
            return f[l.slot()] != null;
        }
        if (t instanceof Term.ArrayTerm a) {
            for (Term x : a.items()) {
                if (!evaluableNow(f, x)) {
                    return false;
                }
            }
        } else if (t instanceof Term.ObjectTerm o) {
            for (Term x : o.values()) {
                if (!evaluableNow(f, x)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean unifyValue(Ctx c, Value[] f, Term pattern, Value v, K k) {
        if (pattern instanceof Term.Local l) {
            Value cur = f[l.slot()];
            if (cur == null) {
                f[l.slot()] = v;
                boolean r = k.go();
                f[l.slot()] = null;
                return r;
            }
            return !cur.equals(v) || k.go();
        }
        if (pattern instanceof Term.Scalar s) {
            return !s.value().equals(v) || k.go();
        }
        if (pattern instanceof Term.Const cst) {
            return !cst.value().equals(v) || k.go();
        }
        if (pattern instanceof Term.ArrayTerm a) {
            if (!(v instanceof ArrayValue av) || av.size() != a.items().size()) {
                return true;
            }
            return unifyItems(c, f, a.items(), av, 0, k);
        }
        if (pattern instanceof Term.ObjectTerm o) {
            if (!(v instanceof ObjectValue ov) || ov.size() != o.keys().size()) {
                return true;
            }
            return unifyObject(c, f, o, ov, 0, k);
        }
        return evalTerm(c, f, pattern, pv -> !pv.equals(v) || k.go());
    }

    private boolean unifyItems(Ctx c, Value[] f, List<Term> items, ArrayValue av, int i, K k) {
        if (i == items.size()) {
            return k.go();
        }
        return unifyValue(c, f, items.get(i), av.get(i), () -> unifyItems(c, f, items, av, i + 1, k));
    }

    private boolean unifyObject(Ctx c, Value[] f, Term.ObjectTerm o, ObjectValue ov, int i, K k) {
        if (i == o.keys().size()) {
            return k.go();
        }
        return evalTerm(c, f, o.keys().get(i), key -> {
            Value member = ov.get(key);
            return member == null || unifyValue(c, f, o.values().get(i), member, () -> unifyObject(c, f, o, ov, i + 1, k));
        });
    }

    // ------------------------------------------------------------------ terms

    private boolean evalTerm(Ctx c, Value[] f, Term t, VK k) {
        // instanceof chains, most frequent first: measurably faster than a pattern switch on this hot path
        if (t instanceof Term.Local l) {
            Value v = f[l.slot()];
            if (v == null) {
                throw new RegoEvalException("eval_internal_error", l.loc(), "var " + l.name() + " is unbound");
            }
            return k.go(v);
        }
        if (t instanceof Term.Ref r) {
            Value q = quickRef(c, f, r);
            if (q != NOT_QUICK) {
                return q == null || k.go(q);
            }
            return evalRef(c, f, r, k);
        }
        if (t instanceof Term.Call call) {
            Value d = directCall(c, f, call);
            if (d != NOT_QUICK) {
                return d == null || k.go(d);
            }
            return evalCall(c, f, call, k);
        }
        if (t instanceof Term.Scalar s) {
            return k.go(s.value());
        }
        if (t instanceof Term.Const cst) {
            return k.go(cst.value());
        }
        return evalComposite(c, f, t, k);
    }

    private boolean evalComposite(Ctx c, Value[] f, Term t, VK k) {
        switch (t) {
            case Term.ArrayTerm a -> {
                Value[] out = new Value[a.items().size()];
                return evalItems(c, f, a.items(), 0, out, () -> k.go(ArrayValue.wrap(out.clone())));
            }
            case Term.SetTerm s -> {
                Value[] out = new Value[s.items().size()];
                return evalItems(c, f, s.items(), 0, out, () -> k.go(SetValue.wrapUnsorted(out.clone())));
            }
            case Term.ObjectTerm o -> {
                Value[] ks = new Value[o.keys().size()];
                Value[] vs = new Value[ks.length];
                return evalItems(c, f, o.keys(), 0, ks, () -> evalItems(c, f, o.values(), 0, vs,
                        () -> k.go(ObjectValue.wrapUnsorted(ks.clone(), vs.clone()))));
            }
            case Term.ArrayCompr ac -> {
                List<Value> out = new ArrayList<>();
                evalBody(c, f, ac.body(), 0, () -> evalTerm(c, f, ac.head(), v -> {
                    out.add(v);
                    return true;
                }));
                return k.go(ArrayValue.of(out));
            }
            case Term.SetCompr sc -> {
                List<Value> out = new ArrayList<>();
                evalBody(c, f, sc.body(), 0, () -> evalTerm(c, f, sc.head(), v -> {
                    out.add(v);
                    return true;
                }));
                return k.go(SetValue.of(out));
            }
            case Term.ObjectCompr oc -> {
                Map<Value, Value> out = new HashMap<>();
                evalBody(c, f, oc.body(), 0, () -> evalTerm(c, f, oc.key(), key -> evalTerm(c, f, oc.value(), val -> {
                    Value prev = out.putIfAbsent(key, val);
                    if (prev != null && !prev.equals(val)) {
                        throw new RegoEvalException("eval_conflict_error", oc.loc(), "object keys must be unique");
                    }
                    return true;
                })));
                return k.go(ObjectValue.of(out));
            }
            case Term.IndexedCompr ic -> {
                Value result = indexLookup(c, f, ic);
                return result == null ? evalComposite(c, f, ic.compr(), k) : k.go(result);
            }
            case Term.Var v -> throw new RegoEvalException("eval_internal_error", v.loc(), "unresolved var " + v.name());
            default -> {
                return true; // a function reference has no value
            }
        }
    }

    /** Marks a comprehension whose index could not be built in this scope: evaluate it as written. */
    private static final Object NO_INDEX = new Object();

    /**
     * The indexed comprehension's value for the outer variable's current value, from an index built on
     * first use in this {@code with} scope; null when it cannot be indexed here. Building evaluates the
     * heads of every group, so an error there (say a division by zero in a group nobody asks for) is not
     * reported: the comprehension is then evaluated as written, which reports only errors that are real.
     */
    @SuppressWarnings("unchecked")
    private Value indexLookup(Ctx c, Value[] f, Term.IndexedCompr ic) {
        Object index = c.indexes().get(ic);
        if (index == null) {
            Value[] frame = f.clone(); // an error unwinds past the undoing of bindings: restore them
            try {
                index = buildIndex(c, f, ic);
            } catch (RegoEvalException e) {
                if (e.code().equals("eval_limit_error")) {
                    throw e;
                }
                System.arraycopy(frame, 0, f, 0, f.length);
                index = NO_INDEX;
            }
            c.indexes().put(ic, index);
        }
        if (index == NO_INDEX) {
            return null;
        }
        List<Value[]> group = ((Map<Value, List<Value[]>>) index).getOrDefault(f[ic.slot()], List.of());
        return switch (ic.compr()) {
            case Term.ArrayCompr a -> ArrayValue.of(group.stream().map(g -> g[0]).toList());
            case Term.SetCompr s -> SetValue.of(group.stream().map(g -> g[0]).toList());
            default -> {
                Map<Value, Value> out = new HashMap<>();
                for (Value[] kv : group) {
                    Value prev = out.putIfAbsent(kv[0], kv[1]);
                    if (prev != null && !prev.equals(kv[1])) {
                        throw new RegoEvalException("eval_conflict_error", ic.loc(), "object keys must be unique");
                    }
                }
                yield ObjectValue.of(out);
            }
        };
    }

    private Map<Value, List<Value[]>> buildIndex(Ctx c, Value[] f, Term.IndexedCompr ic) {
        Map<Value, List<Value[]>> groups = new HashMap<>();
        Term first = switch (ic.compr()) {
            case Term.ArrayCompr a -> a.head();
            case Term.SetCompr s -> s.head();
            case Term.ObjectCompr o -> o.key();
            default -> throw new IllegalStateException("not a comprehension: " + ic.compr());
        };
        Term second = ic.compr() instanceof Term.ObjectCompr o ? o.value() : null;
        evalBody(c, f, ic.body(), 0, () -> evalTerm(c, f, ic.key(), key -> evalTerm(c, f, first, h -> second == null
                ? add(groups, key, new Value[] {h})
                : evalTerm(c, f, second, v -> add(groups, key, new Value[] {h, v})))));
        return groups;
    }

    private static boolean add(Map<Value, List<Value[]>> groups, Value key, Value[] entry) {
        groups.computeIfAbsent(key, x -> new ArrayList<>()).add(entry);
        return true;
    }

    private boolean evalItems(Ctx c, Value[] f, List<Term> items, int from, Value[] out, K k) {
        int i = from;
        // terms with exactly one value or none need no continuation: the common case, kept cheap
        for (; i < items.size(); i++) {
            Value q = direct(c, f, items.get(i));
            if (q == NOT_QUICK) {
                break;
            }
            if (q == null) {
                return true;
            }
            out[i] = q;
        }
        if (i == items.size()) {
            return k.go();
        }
        int j = i;
        return evalTerm(c, f, items.get(j), v -> {
            out[j] = v;
            return evalItems(c, f, items, j + 1, out, k);
        });
    }

    /** Marks a term that may have several values (or needs a search): evaluate it with a continuation. */
    private static final Value NOT_QUICK = StringValue.of("\u0000not quick");

    /**
     * The value of a term that has at most one: constants, bound variables, and references whose keys are
     * all known. Null when such a term is undefined; {@link #NOT_QUICK} for every other term.
     */
    private Value quick(Ctx c, Value[] f, Term t) {
        if (t instanceof Term.Local l) {
            Value v = f[l.slot()];
            return v == null ? NOT_QUICK : v;
        }
        if (t instanceof Term.Scalar s) {
            return s.value();
        }
        if (t instanceof Term.Const cst) {
            return cst.value();
        }
        if (t instanceof Term.Ref r) {
            return quickRef(c, f, r);
        }
        return NOT_QUICK;
    }

    private Value quickRef(Ctx c, Value[] f, Term.Ref r) {
        List<Term> path = r.path();
        Value cur;
        int i = 0;
        if (r.head() instanceof Term.DataRoot d) {
            Node n = d.node();
            i = d.depth();
            while (i < path.size() && !n.hasRules()) {
                Value key = boundKey(f, path.get(i));
                if (key == null) {
                    return NOT_QUICK;
                }
                Node child = n.children().get(key);
                if (child == null) {
                    break;
                }
                n = child;
                i++;
            }
            if (!c.overrides.isEmpty()) {
                return NOT_QUICK; // with data...: dataWalk knows the overrides
            }
            // below a node without rules only base data remains; otherwise the node's full document
            cur = i < path.size() && !n.hasRules() ? lookupPath(c.data, n.path(), n.path().length) : doc(c, n);
        } else if (r.head() instanceof Term.Var v && v.name().equals("input")) {
            cur = c.input;
        } else if (r.head() instanceof Term.Local l && f[l.slot()] != null) {
            cur = f[l.slot()];
        } else {
            return NOT_QUICK;
        }
        for (; i < path.size(); i++) {
            Value key = boundKey(f, path.get(i));
            if (key == null) {
                return NOT_QUICK;
            }
            if (cur == null) {
                return null;
            }
            cur = lookup(cur, key);
        }
        return cur;
    }


    // ------------------------------------------------------------------ references

    private boolean evalRef(Ctx c, Value[] f, Term.Ref r, VK k) {
        if (r.head() instanceof Term.DataRoot d) {
            return dataWalk(c, f, d.node(), r.path(), d.depth(), k);
        }
        if (r.head() instanceof Term.Var v && v.name().equals("input")) {
            return c.input == null || walk(c, f, c.input, r.path(), 0, k);
        }
        if (r.head() instanceof Term.Local l && f[l.slot()] != null) {
            return walk(c, f, f[l.slot()], r.path(), 0, k);
        }
        return evalTerm(c, f, r.head(), hv -> walk(c, f, hv, r.path(), 0, k));
    }

    private boolean walk(Ctx c, Value[] f, Value v, List<Term> path, int i, VK k) {
        if (i == path.size()) {
            return k.go(v);
        }
        Term p = path.get(i);
        if (p instanceof Term.Local l && f[l.slot()] == null) {
            int slot = l.slot();
            return iterate(v, (key, child) -> {
                f[slot] = key;
                boolean r = walk(c, f, child, path, i + 1, k);
                f[slot] = null;
                return r;
            });
        }
        Value key = boundKey(f, p);
        if (key != null) {
            Value child = lookup(v, key);
            return child == null || walk(c, f, child, path, i + 1, k);
        }
        if (!evaluableNow(f, p)) {
            return iterate(v, (kv, child) -> unifyValue(c, f, p, kv, () -> walk(c, f, child, path, i + 1, k)));
        }
        return evalTerm(c, f, p, kv -> {
            Value child = lookup(v, kv);
            return child == null || walk(c, f, child, path, i + 1, k);
        });
    }

    private static Value boundKey(Value[] f, Term p) {
        if (p instanceof Term.Scalar s) {
            return s.value();
        }
        if (p instanceof Term.Local l) {
            return f[l.slot()];
        }
        if (p instanceof Term.Const cst) {
            return cst.value();
        }
        return null;
    }

    private static Value lookup(Value v, Value key) {
        if (v instanceof ObjectValue o) {
            return o.get(key);
        }
        if (v instanceof ArrayValue a) {
            if (key instanceof NumberValue n && n.isLong()) {
                long idx = n.longValue();
                if (idx >= 0 && idx < a.size()) {
                    return a.get((int) idx);
                }
            }
            return null;
        }
        if (v instanceof SetValue s) {
            return s.contains(key) ? key : null;
        }
        return null;
    }

    private static Value lookupPath(Value v, Value[] path, int len) {
        Value cur = v;
        for (int i = 0; i < len && cur != null; i++) {
            cur = lookup(cur, path[i]);
        }
        return cur;
    }

    private boolean dataWalk(Ctx c, Value[] f, Node n, List<Term> path, int i, VK k) {
        if (!c.overrides.isEmpty() && c.overridden(n)) {
            Value v = lookupPath(c.data, n.path(), n.path().length);
            return v == null || walk(c, f, v, path, i, k);
        }
        if (n.hasRules() || i == path.size()) {
            Value v = doc(c, n);
            return v == null || walk(c, f, v, path, i, k);
        }
        Term p = path.get(i);
        Value key = boundKey(f, p);
        if (key != null) {
            return dataChild(c, f, n, key, path, i, k);
        }
        if (p instanceof Term.Local || !evaluableNow(f, p)) {
            Value v = doc(c, n);
            return v == null || walk(c, f, v, path, i, k);
        }
        return evalTerm(c, f, p, kv -> dataChild(c, f, n, kv, path, i, k));
    }

    private boolean dataChild(Ctx c, Value[] f, Node n, Value key, List<Term> path, int i, VK k) {
        Node child = n.children().get(key);
        if (child != null) {
            return dataWalk(c, f, child, path, i + 1, k);
        }
        Value base = lookupPath(c.data, n.path(), n.path().length);
        Value v = base == null ? null : lookup(base, key);
        return v == null || walk(c, f, v, path, i + 1, k);
    }

    /** The full value of the document at a node: base data merged with what its rules and children define. */
    private Value doc(Ctx c, Node n) {
        Value cached = c.docs[n.id()];
        if (cached != null) {
            return cached == UNDEFINED ? null : cached;
        }
        Value v = computeDoc(c, n);
        c.docs[n.id()] = v == null ? UNDEFINED : v;
        return v;
    }

    private Value computeDoc(Ctx c, Node n) {
        Value base = lookupPath(c.data, n.path(), n.path().length);
        if (!c.overrides.isEmpty() && c.overridden(n)) {
            return base;
        }
        Value v = switch (n.kind()) {
            case SINGLE -> evalComplete(c, n);
            case MULTI -> evalMulti(c, n);
            case OBJECT -> evalObjectRules(c, n);
            case FUNCTION, NONE -> null;
        };
        if (n.kind() == Node.Kind.FUNCTION) {
            return null;
        }
        if (n.children().isEmpty() && n.kind() != Node.Kind.NONE) {
            return applyDeepOverrides(c, n, v == null ? base : v);
        }
        if (n.children().isEmpty()) {
            return base;
        }
        ObjectValue.Builder b = base instanceof ObjectValue bo ? bo.toBuilder() : ObjectValue.builder();
        if (v instanceof ObjectValue vo) {
            for (int i = 0; i < vo.size(); i++) {
                b.put(vo.keyAt(i), vo.valueAt(i));
            }
        }
        for (Map.Entry<Value, Node> e : n.children().entrySet()) {
            Value cv = doc(c, e.getValue());
            if (cv != null) {
                b.put(e.getKey(), cv);
            }
        }
        return applyDeepOverrides(c, n, b.build());
    }

    private Value applyDeepOverrides(Ctx c, Node n, Value v) {
        if (c.overrides.isEmpty() || !n.hasRules() || v == null) {
            return v;
        }
        Value out = v;
        for (Value[] p : c.overrides) {
            if (p.length > n.path().length && isPrefix(n.path(), p)) {
                Value[] rest = Arrays.copyOfRange(p, n.path().length, p.length);
                out = setPath(out, rest, 0, lookupPath(c.data, p, p.length));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ rules

    private Value evalComplete(Ctx c, Node n) {
        Value result = null;
        for (CompiledRule r : n.rules()) {
            Value v = evalChain(c, r, null);
            if (v != null) {
                if (result != null && !result.equals(v)) {
                    throw new RegoEvalException("eval_conflict_error", r.loc(), "rule " + n.name()
                            + " produced conflicting values: complete rules must not produce multiple outputs");
                }
                result = v;
            }
        }
        if (result == null && n.defaultRule() != null) {
            result = defaultValue(c, n.defaultRule());
        }
        return result;
    }

    private Value defaultValue(Ctx c, CompiledRule d) {
        Value[] out = {null};
        evalTerm(c, new Value[d.frameSize()], d.value(), v -> {
            out[0] = v;
            return false;
        });
        return out[0];
    }

    private Value evalChain(Ctx c, CompiledRule r, Value[] args) {
        for (CompiledRule cur = r; cur != null; cur = cur.elseRule()) {
            Value v = evalRuleValue(c, cur, args);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private Value evalRuleValue(Ctx c, CompiledRule r, Value[] args) {
        Value[] f = new Value[r.frameSize()];
        Value[] result = {null};
        boolean constant = r.constantValue();
        K afterBody = () -> evalTerm(c, f, r.value(), v -> {
            if (result[0] == null) {
                result[0] = v;
                return !constant;
            }
            if (!result[0].equals(v)) {
                throw args != null ? functionConflict(r) : new RegoEvalException("eval_conflict_error", r.loc(),
                        "rule " + r.node().name() + " produced conflicting values: complete rules must not produce multiple outputs");
            }
            return true;
        });
        enter(r.loc());
        try {
            if (args != null) {
                bindParams(c, f, r.params(), args, 0, () -> evalBody(c, f, r.body(), 0, afterBody));
            } else {
                evalBody(c, f, r.body(), 0, afterBody);
            }
        } finally {
            depth--;
        }
        return result[0];
    }

    private void enter(Location loc) {
        if (++depth > options.maxDepth()) {
            depth--;
            throw new RegoEvalException("eval_limit_error", loc, "evaluation exceeded the depth limit of " + options.maxDepth());
        }
    }

    private boolean bindParams(Ctx c, Value[] f, Term[] params, Value[] args, int from, K k) {
        int i = from;
        // plain variable parameters bind directly; the frame is fresh, so nothing needs undoing
        for (; i < params.length && params[i] instanceof Term.Local l; i++) {
            Value cur = f[l.slot()];
            if (cur == null) {
                f[l.slot()] = args[i];
            } else if (!cur.equals(args[i])) {
                return true;
            }
        }
        if (i == params.length) {
            return k.go();
        }
        int j = i;
        return unifyValue(c, f, params[j], args[j], () -> bindParams(c, f, params, args, j + 1, k));
    }

    private Value evalMulti(Ctx c, Node n) {
        Set<Value> out = new HashSet<>();
        for (CompiledRule r : n.rules()) {
            Value[] f = new Value[r.frameSize()];
            enter(r.loc());
            try {
                evalBody(c, f, r.body(), 0, () -> evalTerm(c, f, r.key(), v -> {
                    out.add(v);
                    return true;
                }));
            } finally {
                depth--;
            }
        }
        return SetValue.of(out);
    }

    /** Rules with variables in their ref head build (nested) objects; leaves of contains-rules are sets. */
    private Value evalObjectRules(Ctx c, Node n) {
        LinkedHashMap<Value, Object> tree = new LinkedHashMap<>();
        for (CompiledRule r : n.rules()) {
            Value[] f = new Value[r.frameSize()];
            Value[] keys = new Value[r.suffix().length];
            boolean multi = r.kind() == io.writ.rego.ast.Rule.Kind.MULTI;
            enter(r.loc());
            try {
                evalBody(c, f, r.body(), 0, () -> evalSuffix(c, f, r.suffix(), 0, keys,
                        () -> evalTerm(c, f, multi ? r.key() : r.value(), v -> {
                            insert(tree, keys, v, multi, n, r);
                            return true;
                        })));
            } finally {
                depth--;
            }
        }
        return toObject(tree);
    }

    private boolean evalSuffix(Ctx c, Value[] f, Term[] suffix, int i, Value[] keys, K k) {
        if (i == suffix.length) {
            return k.go();
        }
        return evalTerm(c, f, suffix[i], v -> {
            keys[i] = v;
            return evalSuffix(c, f, suffix, i + 1, keys, k);
        });
    }

    @SuppressWarnings("unchecked")
    private static void insert(LinkedHashMap<Value, Object> tree, Value[] keys, Value v, boolean multi, Node n, CompiledRule r) {
        LinkedHashMap<Value, Object> cur = tree;
        for (int i = 0; i < keys.length - 1; i++) {
            Object next = cur.get(keys[i]);
            if (next == null) {
                LinkedHashMap<Value, Object> m = new LinkedHashMap<>();
                cur.put(keys[i], m);
                cur = m;
            } else if (next instanceof LinkedHashMap<?, ?> m) {
                cur = (LinkedHashMap<Value, Object>) m;
            } else {
                throw conflict(n, r);
            }
        }
        Value last = keys[keys.length - 1];
        Object prev = cur.get(last);
        if (multi) {
            if (prev == null) {
                Set<Value> s = new HashSet<>();
                s.add(v);
                cur.put(last, s);
            } else if (prev instanceof Set<?> s) {
                ((Set<Value>) s).add(v);
            } else {
                throw conflict(n, r);
            }
        } else if (prev == null) {
            cur.put(last, v);
        } else if (!(prev instanceof Value pv) || !pv.equals(v)) {
            throw conflict(n, r);
        }
    }

    private static RegoEvalException conflict(Node n, CompiledRule r) {
        return new RegoEvalException("eval_conflict_error", r.loc(), "rule " + n.name()
                + " produced conflicting values: object keys must be unique");
    }

    private static RegoEvalException functionConflict(CompiledRule r) {
        return new RegoEvalException("eval_conflict_error", r.loc(), "function " + r.node().name()
                + " produced conflicting values for the same inputs: functions must not produce multiple outputs for same inputs");
    }

    @SuppressWarnings("unchecked")
    private static ObjectValue toObject(Map<Value, Object> tree) {
        ObjectValue.Builder b = ObjectValue.builder();
        for (Map.Entry<Value, Object> e : tree.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Value val) {
                b.put(e.getKey(), val);
            } else if (v instanceof Set<?> s) {
                b.put(e.getKey(), SetValue.of((Set<Value>) s));
            } else {
                b.put(e.getKey(), toObject((Map<Value, Object>) v));
            }
        }
        return b.build();
    }

    // ------------------------------------------------------------------ calls

    private boolean evalCall(Ctx c, Value[] f, Term.Call call, VK k) {
        Term.CallTarget target = call.target();
        if (target instanceof Targets.Special sp) {
            return evalSpecial(c, f, call, sp, k);
        }
        int arity;
        if (target instanceof Targets.BuiltinTarget b) {
            arity = b.builtin().arity();
        } else if (target instanceof Targets.FunctionTarget fn) {
            arity = fn.node().arity();
        } else {
            throw new RegoEvalException("eval_internal_error", call.loc(), "unresolved call " + call.name());
        }
        List<Term> args = call.args();
        Value[] argv = new Value[arity];
        if (args.size() == arity) {
            return evalItems(c, f, args, 0, argv, () -> invoke(c, call, target, argv, k));
        }
        // f(x, out): the last argument receives the result
        return evalItems(c, f, args.subList(0, arity), 0, argv, () -> invoke(c, call, target, argv,
                out -> unifyValue(c, f, args.get(arity), out, () -> k.go(BooleanValue.TRUE))));
    }

    private boolean invoke(Ctx c, Term.Call call, Term.CallTarget target, Value[] argv, VK k) {
        if (!c.mocks.isEmpty()) {
            String name = switch (target) {
                case Targets.BuiltinTarget b -> b.builtin().name();
                case Targets.FunctionTarget fn -> fn.node().name();
                default -> call.name();
            };
            Object mock = c.mocks.get(name);
            if (mock instanceof Value v) {
                return k.go(v);
            }
            if (mock instanceof Term.FuncRef fr) {
                return invoke(c.unmocked(), call, fr.target(), argv, k);
            }
        }
        if (target instanceof Targets.BuiltinTarget bt) {
            return callBuiltin(bt.builtin(), call.loc(), argv, k);
        }
        if (target instanceof Targets.FunctionTarget ft) {
            Value v = callFunction(c, ft.node(), argv);
            return v == null || k.go(v);
        }
        throw new RegoEvalException("eval_internal_error", call.loc(), "cannot call " + call.name());
    }

    private boolean callBuiltin(Builtin b, Location loc, Value[] argv, VK k) {
        Value r;
        try {
            r = b.impl().call(this, argv);
        } catch (BuiltinException e) {
            if (options.strictBuiltinErrors()) {
                throw new RegoEvalException(e.code(), loc, e.getMessage());
            }
            return true;
        } catch (RegoEvalException e) {
            throw e;
        } catch (RuntimeException e) {
            if (options.strictBuiltinErrors()) {
                throw new RegoEvalException("eval_builtin_error", loc, b.name() + ": " + e.getMessage());
            }
            return true;
        }
        if (r == null) {
            return true;
        }
        if (b.relation()) {
            ArrayValue all = (ArrayValue) r;
            for (int i = 0; i < all.size(); i++) {
                if (!k.go(all.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return k.go(r);
    }

    private Value callFunction(Ctx c, Node fn, Value[] argv) {
        // Results are memoised when the arguments are cheap to hash (scalars): helpers such as
        // total(subscription, metric) are called again and again; hashing whole objects would cost more.
        FnKey key = null;
        if (scalars(argv)) {
            key = new FnKey(fn, List.of(argv));
            Value cached = c.calls.get(key);
            if (cached != null) {
                return cached == UNDEFINED ? null : cached;
            }
        }
        Value result = null;
        for (CompiledRule r : fn.rules()) {
            Value v = evalChain(c, r, argv);
            if (v != null) {
                if (result != null && !result.equals(v)) {
                    throw functionConflict(r);
                }
                result = v;
            }
        }
        if (result == null && fn.defaultRule() != null) {
            result = defaultValue(c, fn.defaultRule());
        }
        if (key != null) {
            c.calls.put(key, result == null ? UNDEFINED : result);
        }
        return result;
    }

    private static boolean scalars(Value[] argv) {
        for (Value v : argv) {
            if (!v.isScalar()) {
                return false;
            }
        }
        return true;
    }

    private boolean evalSpecial(Ctx c, Value[] f, Term.Call call, Targets.Special sp, VK k) {
        List<Term> args = call.args();
        switch (sp.name()) {
            case "print" -> {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < args.size(); i++) {
                    List<Value> vs = new ArrayList<>();
                    evalTerm(c, f, args.get(i), v -> {
                        vs.add(v);
                        return true;
                    });
                    if (i > 0) {
                        line.append(' ');
                    }
                    if (vs.isEmpty()) {
                        line.append("<undefined>");
                    } else {
                        Value v = vs.get(0);
                        line.append(v instanceof StringValue s ? s.value() : v.toRego());
                    }
                }
                options.printSink().accept(call.loc(), line.toString());
                return k.go(BooleanValue.TRUE);
            }
            case "internal.member_2" -> {
                Value[] argv = new Value[2];
                return evalItems(c, f, args.subList(0, 2), 0, argv,
                        () -> output(c, f, args, 2, BooleanValue.of(member(argv[0], argv[1])), k));
            }
            default -> {
                Value[] argv = new Value[3];
                return evalItems(c, f, args.subList(0, 3), 0, argv,
                        () -> output(c, f, args, 3, BooleanValue.of(member3(argv[0], argv[1], argv[2])), k));
            }
        }
    }

    private boolean output(Ctx c, Value[] f, List<Term> args, int arity, Value result, VK k) {
        if (args.size() > arity) {
            return unifyValue(c, f, args.get(arity), result, () -> k.go(BooleanValue.TRUE));
        }
        return k.go(result);
    }
}
