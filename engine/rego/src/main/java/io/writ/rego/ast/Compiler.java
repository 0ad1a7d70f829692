package io.writ.rego.ast;

import io.writ.rego.RegoCompileException;
import io.writ.rego.builtins.Builtin;
import io.writ.rego.builtins.Registry;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns parsed modules into a rule tree ready for evaluation: resolves names (locals, rules, imports,
 * built-ins), checks safety and reorders bodies so every variable is bound before it is read, checks
 * arity, rule-kind conflicts and recursion. Every error is collected with its position; compilation
 * fails with all of them at once.
 */
public final class Compiler {
    private static final Set<String> IGNORED_IMPORT_ROOTS = Set.of("rego", "future");

    private final Registry builtins;
    private final List<RegoCompileException.Error> errors = new ArrayList<>();
    private final Node root;
    /** package path ("a.b") → names its rules define (first element of each head ref). */
    private final Map<String, Set<String>> packageRules = new HashMap<>();
    /** rule node → nodes its rules depend on, for the recursion check. */
    private final Map<Node, Set<Node>> deps = new LinkedHashMap<>();

    private Compiler(Registry builtins, Node root) {
        this.builtins = builtins;
        this.root = root;
    }

    /** The result: the tree of rule nodes under {@code data}, numbered 0..nodeCount-1. */
    public record Compiled(Node root, int nodeCount) {
    }

    /** A compiled query: body, frame size, and the names of the variables a result binds (slot → name). */
    public record CompiledQuery(List<Expr> body, int frameSize, Map<String, Integer> resultVars) {
    }

    public static Compiled compile(List<Module> modules, Registry builtins) {
        Compiler c = new Compiler(builtins, new Node(new Value[0]));
        c.build(modules);
        c.throwIfErrors();
        return new Compiled(c.root, Node.number(c.root));
    }

    /**
     * Compiles a query against an already compiled tree. {@code pkg} is the package the query's
     * names resolve in (empty for none).
     */
    public static CompiledQuery compileQuery(List<Expr> query, Compiled tree, Registry builtins) {
        Compiler c = new Compiler(builtins, tree.root());
        RuleScope rs = c.new RuleScope(List.of(), Map.of(), null);
        Scope scope = new Scope(null, rs);
        Expr[] body = rs.compileBody(query, scope, new BitSet());
        c.throwIfErrors();
        Map<String, Integer> vars = new LinkedHashMap<>();
        scope.names.forEach((name, slot) -> {
            if (!name.equals("_")) {
                vars.put(name, slot);
            }
        });
        return new CompiledQuery(List.of(body), rs.nextSlot, vars);
    }

    private void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw new RegoCompileException(errors);
        }
    }

    private void error(Location loc, String code, String msg) {
        for (RegoCompileException.Error e : errors) {
            if (e.message().equals(msg) && java.util.Objects.equals(e.location(), loc)) {
                return;
            }
        }
        errors.add(new RegoCompileException.Error(loc, code, msg));
    }

    // ---------------------------------------------------------------- tree building

    private record Pending(Module module, Rule rule, Node node, int groundLen) {
    }

    private void build(List<Module> modules) {
        List<Pending> pending = new ArrayList<>();
        for (Module m : modules) {
            Set<String> names = packageRules.computeIfAbsent(String.join(".", m.pkg()), k -> new HashSet<>());
            for (Rule r : m.rules()) {
                names.add(((Term.Var) r.ref().head()).name());
            }
        }
        for (Module m : modules) {
            for (Rule r : m.rules()) {
                Node node = root;
                for (String p : m.pkg()) {
                    node = node.child(StringValue.of(p));
                }
                node = node.child(StringValue.of(((Term.Var) r.ref().head()).name()));
                int ground = 0;
                for (Term t : r.ref().path()) {
                    if (t instanceof Term.Scalar s) {
                        node = node.child(s.value());
                        ground++;
                    } else {
                        break;
                    }
                }
                boolean suffix = ground < r.ref().path().size();
                Node.Kind kind = switch (r.kind()) {
                    case FUNCTION -> Node.Kind.FUNCTION;
                    case MULTI -> suffix ? Node.Kind.OBJECT : Node.Kind.MULTI;
                    case SINGLE -> suffix ? Node.Kind.OBJECT : Node.Kind.SINGLE;
                };
                if (r.isDefault() && suffix) {
                    error(r.loc(), "rego_type_error", "default rules must not have a variable in their reference: "
                            + node.name());
                    continue;
                }
                if (node.kind() != Node.Kind.NONE && node.kind() != kind) {
                    error(r.loc(), "rego_type_error", "conflicting rules " + node.name() + " found");
                    continue;
                }
                if (kind == Node.Kind.FUNCTION) {
                    int arity = r.args().size();
                    if (node.arity() >= 0 && node.arity() != arity) {
                        error(r.loc(), "rego_type_error", "conflicting rules " + node.name() + " found");
                        continue;
                    }
                    node.arity(arity);
                }
                node.kind(kind);
                pending.add(new Pending(m, r, node, ground));
            }
        }
        checkPrefixConflicts(root);
        for (Pending p : pending) {
            compileRule(p);
        }
        checkRecursion();
    }

    /** A node that defines a value cannot also have rules below it (except object rules, which merge). */
    private void checkPrefixConflicts(Node node) {
        if ((node.kind() == Node.Kind.SINGLE || node.kind() == Node.Kind.MULTI || node.kind() == Node.Kind.FUNCTION)
                && !node.children().isEmpty()) {
            Node child = node.children().firstEntry().getValue();
            error(null, "rego_type_error", "rule " + node.name() + " conflicts with " + firstRuleNode(child).name());
        }
        for (Node c : node.children().values()) {
            checkPrefixConflicts(c);
        }
    }

    private static Node firstRuleNode(Node n) {
        if (n.hasRules() || n.children().isEmpty()) {
            return n;
        }
        return firstRuleNode(n.children().firstEntry().getValue());
    }

    private void compileRule(Pending p) {
        Rule r = p.rule();
        Map<String, Term.Ref> imports = imports(p.module());
        RuleScope rs = new RuleScope(p.module().pkg(), imports, p.node());
        CompiledRule cr = rs.compileRule(r, p.groundLen());
        if (cr == null) {
            return;
        }
        if (r.isDefault()) {
            if (p.node().defaultRule() != null) {
                error(r.loc(), "rego_type_error", "multiple default rules " + p.node().name() + " found");
                return;
            }
            p.node().defaultRule(cr);
        } else {
            p.node().rules().add(cr);
        }
    }

    private Map<String, Term.Ref> imports(Module m) {
        Map<String, Term.Ref> out = new HashMap<>();
        for (Module.Import imp : m.imports()) {
            String rootName = ((Term.Var) imp.path().head()).name();
            if (IGNORED_IMPORT_ROOTS.contains(rootName)) {
                continue;
            }
            if (!rootName.equals("data") && !rootName.equals("input")) {
                error(imp.loc(), "rego_parse_error", "invalid path " + rootName + ": path must begin with input or data");
                continue;
            }
            String alias = imp.alias();
            if (alias == null) {
                List<Term> path = imp.path().path();
                alias = path.isEmpty() ? rootName
                        : ((StringValue) ((Term.Scalar) path.get(path.size() - 1)).value()).value();
            }
            out.put(alias, imp.path());
        }
        return out;
    }

    // ---------------------------------------------------------------- recursion

    private void checkRecursion() {
        Map<Node, Integer> state = new HashMap<>();
        for (Node n : deps.keySet()) {
            List<Node> stack = new ArrayList<>();
            if (dfs(n, state, stack)) {
                return;
            }
        }
    }

    private boolean dfs(Node n, Map<Node, Integer> state, List<Node> stack) {
        Integer s = state.get(n);
        if (s != null && s == 2) {
            return false;
        }
        if (s != null && s == 1) {
            int from = stack.indexOf(n);
            StringBuilder path = new StringBuilder();
            for (int i = from; i < stack.size(); i++) {
                path.append(stack.get(i).name()).append(" -> ");
            }
            path.append(n.name());
            Location loc = n.rules().isEmpty() ? null : n.rules().get(0).loc();
            error(loc, "rego_recursion_error", "rule " + n.name() + " is recursive: " + path);
            return true;
        }
        state.put(n, 1);
        stack.add(n);
        for (Node d : deps.getOrDefault(n, Set.of())) {
            if (dfs(d, state, stack)) {
                return true;
            }
        }
        stack.remove(stack.size() - 1);
        state.put(n, 2);
        return false;
    }

    private void addDeps(Node from, Node n) {
        if (n.hasRules()) {
            deps.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(n);
        }
        for (Node c : n.children().values()) {
            addDeps(from, c);
        }
    }

    // ---------------------------------------------------------------- scopes

    /** Variable names of one body (rule body, comprehension, every), chained to the enclosing body. */
    private static final class Scope {
        final Scope parent;
        final RuleScope rule;
        final Map<String, Integer> names = new LinkedHashMap<>();

        Scope(Scope parent, RuleScope rule) {
            this.parent = parent;
            this.rule = rule;
        }

        Integer lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Integer slot = s.names.get(name);
                if (slot != null) {
                    return slot;
                }
            }
            return null;
        }

        int declare(String name) {
            int slot = rule.newSlot(name);
            names.put(name, slot);
            return slot;
        }
    }

    /** Compiles one rule (or query): owns the frame's slot numbering. */
    private final class RuleScope {
        final List<String> pkg;
        final Map<String, Term.Ref> imports;
        final Node node;
        final Set<String> ruleNames;
        final List<String> slotNames = new ArrayList<>();
        int nextSlot;
        /** Slot ranges owned by closures (comprehensions, every), to find the outer variables they capture. */
        final IdentityHashMap<Object, int[]> owned = new IdentityHashMap<>();

        RuleScope(List<String> pkg, Map<String, Term.Ref> imports, Node node) {
            this.pkg = pkg;
            this.imports = imports;
            this.node = node;
            this.ruleNames = pkg.isEmpty() ? Set.of() : packageRules.getOrDefault(String.join(".", pkg), Set.of());
        }

        int newSlot(String name) {
            slotNames.add(name);
            return nextSlot++;
        }

        boolean isGlobal(String name) {
            return name.equals("input") || name.equals("data") || imports.containsKey(name) || ruleNames.contains(name);
        }

        CompiledRule compileRule(Rule r, int groundLen) {
            Scope scope = new Scope(null, this);
            BitSet bound = new BitSet();
            Term[] params = null;
            if (r.args() != null) {
                params = new Term[r.args().size()];
                Set<String> argNames = new LinkedHashSet<>();
                for (Term a : r.args()) {
                    patternVarNames(a, argNames);
                }
                for (String n : argNames) {
                    if (!n.equals("_")) {
                        bound.set(scope.declare(n));
                    }
                }
                for (int i = 0; i < params.length; i++) {
                    params[i] = resolve(r.args().get(i), scope);
                    markPatternVars(params[i], bound);
                }
            }
            // head names belong to the body's scope
            List<Term> headTerms = new ArrayList<>();
            List<Term> path = r.ref().path();
            for (int i = groundLen; i < path.size(); i++) {
                headTerms.add(path.get(i));
            }
            if (r.key() != null) {
                headTerms.add(r.key());
            }
            if (r.value() != null) {
                headTerms.add(r.value());
            }
            int errorsBefore = errors.size();
            Expr[] body = compileBodyWithHead(r.body(), scope, bound, headTerms);
            Term[] suffix = new Term[path.size() - groundLen];
            for (int i = 0; i < suffix.length; i++) {
                suffix[i] = resolve(path.get(groundLen + i), scope);
            }
            Term key = r.key() == null ? null : resolve(r.key(), scope);
            Term value = r.value() == null ? new Term.Const(BooleanValue.TRUE, r.loc()) : resolve(r.value(), scope);
            BitSet after = boundAfter(body, bound);
            List<Term> resolvedHead = new ArrayList<>(List.of(suffix));
            if (key != null) {
                resolvedHead.add(key);
            }
            resolvedHead.add(value);
            for (Term h : resolvedHead) {
                BitSet needs = new BitSet();
                valueNeeds(h, after, needs, new BitSet());
                needs.andNot(after);
                reportUnsafe(needs, h.loc());
            }
            if (r.isDefault()) {
                BitSet needs = new BitSet();
                valueNeeds(value, new BitSet(), needs, new BitSet());
                if (!needs.isEmpty()) {
                    error(r.loc(), "rego_type_error", "default rule value cannot contain variables");
                }
            }
            CompiledRule elseRule = null;
            if (r.elseRule() != null) {
                Rule e = r.elseRule();
                Rule asRule = new Rule(e.loc(), r.kind(), r.ref(), r.args(), null,
                        e.value(), e.body(), false, e.elseRule());
                elseRule = new RuleScope(pkg, imports, node).compileRule(asRule, groundLen);
            }
            if (errors.size() > errorsBefore) {
                return null;
            }
            return new CompiledRule(r.kind(), r.loc(), node, suffix, key, value, params, List.of(body), nextSlot, elseRule);
        }

        Expr[] compileBodyWithHead(List<Expr> body, Scope scope, BitSet bound, List<Term> headTerms) {
            declareNames(body, scope, headTerms);
            return compileDeclared(body, scope, bound);
        }

        Expr[] compileBody(List<Expr> body, Scope scope, BitSet bound) {
            declareNames(body, scope, List.of());
            return compileDeclared(body, scope, bound);
        }

        private Expr[] compileDeclared(List<Expr> body, Scope scope, BitSet bound) {
            List<Expr> resolved = new ArrayList<>();
            for (Expr e : body) {
                Expr r = resolveExpr(e, scope);
                if (r != null) {
                    resolved.add(r);
                }
            }
            return reorder(resolved, bound);
        }

        /** First pass: every name of the body that is not global becomes a local of this scope. */
        /**
         * First pass: names used in the body that no {@code :=} or {@code some} declares, and that are not
         * global, become locals of this scope for the whole body. Declared names come into scope only where
         * they are declared (see {@link #declareAt}), so a comprehension before {@code x := ...} has its own x.
         */
        private void declareNames(List<Expr> body, Scope scope, List<Term> extra) {
            Set<String> declared = new HashSet<>();
            for (Expr e : body) {
                declaredNames(e, declared);
            }
            Set<String> used = new LinkedHashSet<>();
            for (Expr e : body) {
                exprVarNames(e, used);
            }
            for (Term t : extra) {
                termVarNames(t, used);
            }
            for (String n : used) {
                if (!n.equals("_") && !declared.contains(n) && scope.lookup(n) == null && !isGlobal(n)) {
                    scope.declare(n);
                }
            }
        }

        private void declaredNames(Expr e, Set<String> out) {
            switch (e) {
                case Expr.SomeDecl s -> s.vars().forEach(v -> out.add(v.name()));
                case Expr.SomeIn s -> {
                    if (s.key() != null) {
                        patternVarNames(s.key(), out);
                    }
                    patternVarNames(s.value(), out);
                }
                case Expr.Assign a -> patternVarNames(a.left(), out);
                default -> {
                }
            }
        }

        /** Brings the names an expression declares into scope, at the expression's place in the body. */
        private void declareAt(Expr e, Scope scope) {
            Set<String> names = new LinkedHashSet<>();
            declaredNames(e, names);
            for (String n : names) {
                if (n.equals("_")) {
                    continue;
                }
                if (e instanceof Expr.Assign && scope.names.containsKey(n)) {
                    error(e.loc(), "rego_compile_error", "var " + n + " assigned above");
                }
                scope.declare(n);
            }
        }

        // ---- resolution

        private Expr resolveExpr(Expr e, Scope s) {
            List<Expr.With> withs = new ArrayList<>();
            for (Expr.With w : e.withs()) {
                withs.add(resolveWith(w, s));
            }
            return switch (e) {
                case Expr.SomeDecl sd -> {
                    declareAt(sd, s);
                    yield null;
                }
                case Expr.TermExpr t -> new Expr.TermExpr(resolve(t.term(), s), withs, t.loc());
                case Expr.Unify u -> new Expr.Unify(resolve(u.left(), s), resolve(u.right(), s), withs, u.loc());
                case Expr.Assign a -> {
                    checkAssignTarget(a.left());
                    Term right = resolve(a.right(), s);
                    declareAt(a, s);
                    yield new Expr.Assign(resolve(a.left(), s), right, withs, a.loc());
                }
                case Expr.Not n -> {
                    Expr inner = resolveExpr(n.expr(), s);
                    yield new Expr.Not(inner, withs, n.loc());
                }
                case Expr.SomeIn si -> {
                    Term coll = resolve(si.collection(), s);
                    declareAt(si, s);
                    yield new Expr.SomeIn(si.key() == null ? null : resolve(si.key(), s), resolve(si.value(), s), coll,
                            withs, si.loc());
                }
                case Expr.Every ev -> {
                    Term domain = resolve(ev.domain(), s);
                    int start = nextSlot;
                    Scope inner = new Scope(s, this);
                    Set<String> names = new LinkedHashSet<>();
                    if (ev.key() != null) {
                        patternVarNames(ev.key(), names);
                    }
                    patternVarNames(ev.value(), names);
                    BitSet b = new BitSet();
                    for (String n : names) {
                        if (!n.equals("_")) {
                            b.set(inner.declare(n));
                        }
                    }
                    Term k = ev.key() == null ? null : resolve(ev.key(), inner);
                    Term v = resolve(ev.value(), inner);
                    markPatternVars(v, b);
                    if (k != null) {
                        markPatternVars(k, b);
                    }
                    BitSet outerBound = new BitSet();
                    outerBound.set(0, start); // closure variables are checked on the enclosing expression
                    outerBound.or(b);
                    Expr[] body = compileBody(ev.body(), inner, outerBound);
                    Expr.Every out = new Expr.Every(k, v, domain, List.of(body), withs, ev.loc());
                    owned.put(out, new int[] {start, nextSlot});
                    yield out;
                }
            };
        }

        private void checkAssignTarget(Term t) {
            switch (t) {
                case Term.Var v -> {
                }
                case Term.ArrayTerm a -> a.items().forEach(this::checkAssignTarget);
                case Term.ObjectTerm o -> o.values().forEach(this::checkAssignTarget);
                case Term.Scalar sc -> {
                }
                default -> error(t.loc(), "rego_parse_error", "cannot assign to " + describe(t));
            }
        }

        private Expr.With resolveWith(Expr.With w, Scope s) {
            Term target = w.target();
            String name = dottedName(target);
            Term resolvedTarget;
            if (name != null && (name.equals("input") || name.startsWith("input."))) {
                resolvedTarget = resolve(target, s);
            } else if (name != null && (name.equals("data") || name.startsWith("data."))) {
                Term.CallTarget fn = functionTarget(name, target.loc(), false);
                resolvedTarget = fn != null ? new Term.FuncRef(name, fn, target.loc()) : resolve(target, s);
            } else if (name != null) {
                Term.CallTarget fn = functionTarget(name, target.loc(), false);
                if (fn == null) {
                    Term r = resolve(target, s);
                    if (r instanceof Term.Ref ref && (ref.head() instanceof Term.DataRoot
                            || (ref.head() instanceof Term.Var v && v.name().equals("input")))) {
                        resolvedTarget = r;
                    } else {
                        error(w.loc(), "rego_type_error", "with keyword target must reference existing input, data, or a function");
                        resolvedTarget = r;
                    }
                } else {
                    resolvedTarget = new Term.FuncRef(canonicalName(name, fn), fn, target.loc());
                }
            } else {
                error(w.loc(), "rego_type_error", "with keyword target must reference existing input, data, or a function");
                resolvedTarget = target;
            }
            Term value = w.value();
            String vname = dottedName(value);
            Term resolvedValue = null;
            if (vname != null && resolvedTarget instanceof Term.FuncRef) {
                Term.CallTarget fn = functionTarget(vname, value.loc(), false);
                if (fn != null) {
                    resolvedValue = new Term.FuncRef(canonicalName(vname, fn), fn, value.loc());
                }
            }
            if (resolvedValue == null) {
                resolvedValue = resolve(value, s);
            }
            return new Expr.With(resolvedTarget, resolvedValue, w.loc());
        }

        private String canonicalName(String name, Term.CallTarget t) {
            return switch (t) {
                case Targets.FunctionTarget f -> f.node().name();
                case Targets.BuiltinTarget b -> b.builtin().name();
                case Targets.Special sp -> sp.name();
                default -> name;
            };
        }

        Term resolve(Term t, Scope s) {
            return switch (t) {
                case Term.Scalar sc -> sc;
                case Term.Const c -> c;
                case Term.Local l -> l;
                case Term.FuncRef f -> f;
                case Term.DataRoot d -> d;
                case Term.IndexedCompr ic -> ic;
                case Term.Var v -> {
                    Term r = resolveVar(v, s);
                    yield r instanceof Term.Ref ref ? dataRef(ref) : r;
                }
                case Term.Ref r -> {
                    Term head = r.head() instanceof Term.Var hv ? resolveVar(hv, s) : resolve(r.head(), s);
                    List<Term> path = new ArrayList<>();
                    for (Term p : r.path()) {
                        path.add(resolve(p, s));
                    }
                    if (head instanceof Term.Ref hr) {
                        List<Term> full = new ArrayList<>(hr.path());
                        full.addAll(path);
                        yield dataRef(new Term.Ref(hr.head(), List.copyOf(full), r.loc()));
                    }
                    yield dataRef(new Term.Ref(head, List.copyOf(path), r.loc()));
                }
                case Term.ArrayTerm a -> fold(new Term.ArrayTerm(resolveAll(a.items(), s), a.loc()));
                case Term.SetTerm st -> fold(new Term.SetTerm(resolveAll(st.items(), s), st.loc()));
                case Term.ObjectTerm o -> fold(new Term.ObjectTerm(resolveAll(o.keys(), s), resolveAll(o.values(), s), o.loc()));
                case Term.ArrayCompr c -> {
                    int start = nextSlot;
                    Scope inner = new Scope(s, this);
                    Expr[] body = compileBodyWithHead(c.body(), inner, closureBound(start), List.of(c.head()));
                    Term head = resolve(c.head(), inner);
                    checkHead(head, body, start, c.loc());
                    Term out = new Term.ArrayCompr(head, List.of(body), c.loc());
                    owned.put(out, new int[] {start, nextSlot});
                    yield indexed(out, List.of(head), List.of(body));
                }
                case Term.SetCompr c -> {
                    int start = nextSlot;
                    Scope inner = new Scope(s, this);
                    Expr[] body = compileBodyWithHead(c.body(), inner, closureBound(start), List.of(c.head()));
                    Term head = resolve(c.head(), inner);
                    checkHead(head, body, start, c.loc());
                    Term out = new Term.SetCompr(head, List.of(body), c.loc());
                    owned.put(out, new int[] {start, nextSlot});
                    yield indexed(out, List.of(head), List.of(body));
                }
                case Term.ObjectCompr c -> {
                    int start = nextSlot;
                    Scope inner = new Scope(s, this);
                    Expr[] body = compileBodyWithHead(c.body(), inner, closureBound(start), List.of(c.key(), c.value()));
                    Term key = resolve(c.key(), inner);
                    Term value = resolve(c.value(), inner);
                    checkHead(key, body, start, c.loc());
                    checkHead(value, body, start, c.loc());
                    Term out = new Term.ObjectCompr(key, value, List.of(body), c.loc());
                    owned.put(out, new int[] {start, nextSlot});
                    yield indexed(out, List.of(key, value), List.of(body));
                }
                case Term.Call call -> resolveCall(call, s);
            };
        }

        /**
         * Wraps a comprehension for indexing when its one outer variable occurs only in a top-level
         * {@code term == outer} of its body (see {@link Term.IndexedCompr}); otherwise returns it as is.
         */
        private Term indexed(Term compr, List<Term> heads, List<Expr> body) {
            int[] range = owned.get(compr);
            BitSet outer = new BitSet();
            heads.forEach(h -> allVars(h, outer));
            body.forEach(e -> allExprVars(e, outer));
            outer.clear(range[0], range[1]);
            if (outer.cardinality() != 1) {
                return compr;
            }
            int v = outer.nextSetBit(0);
            int at = -1;
            Term key = null;
            for (int i = 0; i < body.size(); i++) {
                if (body.get(i) instanceof Expr.TermExpr t && t.withs().isEmpty() && t.term() instanceof Term.Call c
                        && c.name().equals("equal") && c.target() instanceof Targets.BuiltinTarget && c.args().size() == 2) {
                    Term a = c.args().get(0);
                    Term b = c.args().get(1);
                    Term other = a instanceof Term.Local l && l.slot() == v ? b : b instanceof Term.Local l && l.slot() == v ? a : null;
                    BitSet otherVars = new BitSet();
                    if (other != null) {
                        allVars(other, otherVars);
                    }
                    if (other != null && !otherVars.get(v)) {
                        if (at >= 0) {
                            return compr;
                        }
                        at = i;
                        key = other;
                    }
                }
            }
            if (at < 0) {
                return compr;
            }
            // the equality must only filter: if it bound a variable (x.tags[i] == v), dropping it would not do
            BitSet before = boundAfter(body.subList(0, at).toArray(new Expr[0]), closureBound(range[0]));
            BitSet binds = ready(body.get(at), before);
            if (binds == null || !binds.isEmpty()) {
                return compr;
            }
            List<Expr> rest = new ArrayList<>(body);
            rest.remove(at);
            BitSet elsewhere = new BitSet();
            heads.forEach(h -> allVars(h, elsewhere));
            rest.forEach(e -> allExprVars(e, elsewhere));
            if (elsewhere.get(v)) {
                return compr;
            }
            return new Term.IndexedCompr(compr, v, key, List.copyOf(rest), compr.loc());
        }

        /** Inside a closure, outer variables count as bound; the enclosing expression waits for them. */
        private BitSet closureBound(int start) {
            BitSet b = new BitSet();
            b.set(0, start);
            return b;
        }

        private void checkHead(Term head, Expr[] body, int start, Location loc) {
            BitSet bound = boundAfter(body, closureBound(start));
            BitSet needs = new BitSet();
            valueNeeds(head, bound, needs, new BitSet());
            needs.andNot(bound);
            reportUnsafe(needs, head.loc());
        }

        private List<Term> resolveAll(List<Term> ts, Scope s) {
            List<Term> out = new ArrayList<>(ts.size());
            for (Term t : ts) {
                out.add(resolve(t, s));
            }
            return out;
        }

        /** Folds ground composites into constants, so evaluation need not rebuild them. */
        private Term fold(Term t) {
            switch (t) {
                case Term.ArrayTerm a -> {
                    Value[] vs = constants(a.items());
                    return vs == null ? a : new Term.Const(ArrayValue.wrap(vs), a.loc());
                }
                case Term.SetTerm st -> {
                    Value[] vs = constants(st.items());
                    return vs == null ? st : new Term.Const(SetValue.wrapUnsorted(vs), st.loc());
                }
                case Term.ObjectTerm o -> {
                    Value[] ks = constants(o.keys());
                    Value[] vs = constants(o.values());
                    if (ks == null || vs == null) {
                        return o;
                    }
                    ObjectValue.Builder b = ObjectValue.builder();
                    for (int i = 0; i < ks.length; i++) {
                        b.put(ks[i], vs[i]);
                    }
                    return new Term.Const(b.build(), o.loc());
                }
                default -> {
                    return t;
                }
            }
        }

        private Value[] constants(List<Term> ts) {
            Value[] out = new Value[ts.size()];
            for (int i = 0; i < out.length; i++) {
                Term t = ts.get(i);
                if (t instanceof Term.Scalar s) {
                    out[i] = s.value();
                } else if (t instanceof Term.Const c) {
                    out[i] = c.value();
                } else {
                    return null;
                }
            }
            return out;
        }

        private Term resolveVar(Term.Var v, Scope s) {
            if (v.isWildcard()) {
                return new Term.Local(newSlot("_"), "_", v.loc());
            }
            Integer slot = s.lookup(v.name());
            if (slot != null) {
                return new Term.Local(slot, v.name(), v.loc());
            }
            if (v.name().equals("input") || v.name().equals("data")) {
                return new Term.Ref(v, List.of(), v.loc());
            }
            Term.Ref imp = imports.get(v.name());
            if (imp != null) {
                return new Term.Ref(imp.head(), imp.path(), v.loc());
            }
            if (ruleNames.contains(v.name())) {
                List<Term> path = new ArrayList<>();
                for (String p : pkg) {
                    path.add(new Term.Scalar(StringValue.of(p), v.loc()));
                }
                path.add(new Term.Scalar(StringValue.of(v.name()), v.loc()));
                return new Term.Ref(new Term.Var("data", v.loc()), List.copyOf(path), v.loc());
            }
            // only reachable for names the first pass did not see (e.g. in with targets)
            return new Term.Local(s.declare(v.name()), v.name(), v.loc());
        }

        /**
         * Records what a data ref depends on (for the recursion check) and resolves its constant prefix
         * to the tree node it leads to, so evaluation starts there.
         */
        private Term dataRef(Term.Ref r) {
            if (r.head() instanceof Term.Var v && v.name().equals("data")) {
                List<Value> prefix = new ArrayList<>();
                for (Term p : r.path()) {
                    Value k = constValue(p);
                    if (k == null) {
                        break;
                    }
                    prefix.add(k);
                }
                Node n = root;
                int depth = 0;
                boolean known = true; // false when the prefix leaves the rule tree: base data only, no rules read
                while (depth < prefix.size() && !n.hasRules()) {
                    Node child = n.children().get(prefix.get(depth));
                    if (child == null) {
                        known = false;
                        break;
                    }
                    n = child;
                    depth++;
                }
                if (known && node != null) {
                    addDeps(node, n); // for the recursion check: the rules at or below what the ref reads
                }
                return new Term.Ref(new Term.DataRoot(n, depth, v.loc()), r.path(), r.loc());
            }
            return r;
        }

        private Term resolveCall(Term.Call call, Scope s) {
            List<Term> args = resolveAll(call.args(), s);
            Term.CallTarget target = functionTarget(call.name(), call.loc(), true);
            if (target == null) {
                return new Term.Call(call.name(), args, call.loc(), null);
            }
            int arity = arity(target);
            if (arity >= 0 && args.size() != arity && args.size() != arity + 1) {
                error(call.loc(), "rego_type_error", call.name() + ": arity mismatch\n\thave: " + args.size()
                        + " operand" + (args.size() == 1 ? "" : "s") + "\n\twant: " + arity + " operand"
                        + (arity == 1 ? "" : "s"));
            }
            if (target instanceof Targets.FunctionTarget f && node != null) {
                deps.computeIfAbsent(node, k -> new LinkedHashSet<>()).add(f.node());
            }
            return new Term.Call(call.name(), args, call.loc(), target);
        }

        /** Resolves a function name: package functions, imports, data paths, then built-ins. */
        Term.CallTarget functionTarget(String name, Location loc, boolean report) {
            if (name.equals("internal.member_2") || name.equals("internal.member_3")) {
                return new Targets.Special(name, name.endsWith("2") ? 2 : 3);
            }
            if (name.equals("print")) {
                return new Targets.Special("print", -1);
            }
            String[] parts = name.split("\\.");
            List<Value> path = null;
            if (parts[0].equals("data")) {
                path = new ArrayList<>();
                for (int i = 1; i < parts.length; i++) {
                    path.add(StringValue.of(parts[i]));
                }
            } else if (imports.containsKey(parts[0])) {
                Term.Ref imp = imports.get(parts[0]);
                if (imp.head() instanceof Term.Var hv && hv.name().equals("data")) {
                    path = new ArrayList<>();
                    for (Term p : imp.path()) {
                        path.add(((Term.Scalar) p).value());
                    }
                    for (int i = 1; i < parts.length; i++) {
                        path.add(StringValue.of(parts[i]));
                    }
                }
            } else if (ruleNames.contains(parts[0])) {
                path = new ArrayList<>();
                for (String p : pkg) {
                    path.add(StringValue.of(p));
                }
                for (String p : parts) {
                    path.add(StringValue.of(p));
                }
            }
            if (path != null) {
                Node n = root;
                for (Value v : path) {
                    n = n.children().get(v);
                    if (n == null) {
                        break;
                    }
                }
                if (n != null && n.kind() == Node.Kind.FUNCTION) {
                    return new Targets.FunctionTarget(n);
                }
                if (parts[0].equals("data") || !builtinExists(name)) {
                    if (report) {
                        error(loc, "rego_type_error", "undefined function " + name);
                    }
                    return null;
                }
            }
            Builtin b = builtins.get(name);
            if (b == null) {
                if (report) {
                    error(loc, "rego_type_error", "undefined function " + name);
                }
                return null;
            }
            return new Targets.BuiltinTarget(b);
        }

        private boolean builtinExists(String name) {
            return builtins.get(name) != null;
        }

        private int arity(Term.CallTarget t) {
            return switch (t) {
                case Targets.BuiltinTarget b -> b.builtin().arity();
                case Targets.FunctionTarget f -> f.node().arity();
                case Targets.Special sp -> sp.arity();
                default -> -1;
            };
        }

        // ---- safety and ordering

        private Expr[] reorder(List<Expr> exprs, BitSet bound) {
            BitSet b = (BitSet) bound.clone();
            List<Expr> remaining = new ArrayList<>(exprs);
            List<Expr> out = new ArrayList<>();
            while (!remaining.isEmpty()) {
                boolean progress = false;
                for (int i = 0; i < remaining.size(); i++) {
                    BitSet outs = ready(remaining.get(i), b);
                    if (outs != null) {
                        out.add(remaining.remove(i));
                        b.or(outs);
                        progress = true;
                        break;
                    }
                }
                if (!progress) {
                    for (Expr e : remaining) {
                        BitSet needs = new BitSet();
                        exprNeeds(e, b, needs);
                        needs.andNot(b);
                        reportUnsafe(needs, e.loc());
                    }
                    out.addAll(remaining);
                    break;
                }
            }
            return out.toArray(new Expr[0]);
        }

        private void reportUnsafe(BitSet needs, Location loc) {
            Set<String> names = new LinkedHashSet<>();
            for (int i = needs.nextSetBit(0); i >= 0; i = needs.nextSetBit(i + 1)) {
                names.add(slotNames.get(i));
            }
            for (String n : names) {
                error(loc, "rego_unsafe_var_error", "var " + n + " is unsafe");
            }
        }

        /** All variables an expression would need that are unbound, for error reports. */
        private void exprNeeds(Expr e, BitSet b, BitSet needs) {
            BitSet outs = new BitSet();
            switch (e) {
                case Expr.TermExpr t -> valueNeeds(t.term(), b, needs, outs);
                case Expr.Unify u -> {
                    allVars(u.left(), needs);
                    allVars(u.right(), needs);
                }
                case Expr.Assign a -> valueNeeds(a.right(), b, needs, outs);
                case Expr.Not n -> exprNeeds(n.expr(), b, needs);
                case Expr.SomeIn s -> valueNeeds(s.collection(), b, needs, outs);
                case Expr.Every ev -> {
                    valueNeeds(ev.domain(), b, needs, outs);
                    closureNeeds(ev, b, needs);
                }
                case Expr.SomeDecl sd -> {
                }
            }
            for (Expr.With w : e.withs()) {
                valueNeeds(w.value(), b, needs, outs);
            }
        }

        private BitSet boundAfter(Expr[] body, BitSet bound) {
            BitSet b = (BitSet) bound.clone();
            for (Expr e : body) {
                BitSet outs = ready(e, b);
                if (outs != null) {
                    b.or(outs);
                }
            }
            return b;
        }

        /** The variables an expression binds if it can run with {@code b} bound, else null. */
        private BitSet ready(Expr e, BitSet b) {
            BitSet needs = new BitSet();
            BitSet outs = new BitSet();
            for (Expr.With w : e.withs()) {
                valueNeeds(w.value(), b, needs, outs);
            }
            if (!subset(needs, b)) {
                return null;
            }
            outs.clear();
            switch (e) {
                case Expr.TermExpr t -> {
                    valueNeeds(t.term(), b, needs, outs);
                    return subset(needs, b) ? outs : null;
                }
                case Expr.Unify u -> {
                    return canUnify(u.left(), u.right(), b);
                }
                case Expr.Assign a -> {
                    return canUnify(a.left(), a.right(), b);
                }
                case Expr.Not n -> {
                    return ready(n.expr(), b) != null ? new BitSet() : null;
                }
                case Expr.SomeIn s -> {
                    valueNeeds(s.collection(), b, needs, outs);
                    if (s.key() != null) {
                        patternNeeds(s.key(), b, needs, outs);
                    }
                    patternNeeds(s.value(), b, needs, outs);
                    return subset(needs, b) ? outs : null;
                }
                case Expr.Every ev -> {
                    valueNeeds(ev.domain(), b, needs, outs);
                    closureNeeds(ev, b, needs);
                    return subset(needs, b) ? new BitSet() : null;
                }
                case Expr.SomeDecl sd -> {
                    return new BitSet();
                }
            }
        }

        private BitSet canUnify(Term a, Term c, BitSet b) {
            if (evaluable(a, b)) {
                BitSet r = valueThenPattern(a, c, b);
                if (r != null) {
                    return r;
                }
            }
            if (evaluable(c, b)) {
                BitSet r = valueThenPattern(c, a, b);
                if (r != null) {
                    return r;
                }
            }
            if (a instanceof Term.ArrayTerm x && c instanceof Term.ArrayTerm y && x.items().size() == y.items().size()) {
                BitSet bb = (BitSet) b.clone();
                BitSet outs = new BitSet();
                for (int i = 0; i < x.items().size(); i++) {
                    BitSet r = canUnify(x.items().get(i), y.items().get(i), bb);
                    if (r == null) {
                        return null;
                    }
                    bb.or(r);
                    outs.or(r);
                }
                return outs;
            }
            if (a instanceof Term.ObjectTerm x && c instanceof Term.ObjectTerm y && x.keys().size() == y.keys().size()) {
                BitSet bb = (BitSet) b.clone();
                BitSet outs = new BitSet();
                for (int i = 0; i < x.keys().size(); i++) {
                    int j = indexOfKey(y, x.keys().get(i));
                    if (j < 0) {
                        return null;
                    }
                    BitSet r = canUnify(x.values().get(i), y.values().get(j), bb);
                    if (r == null) {
                        return null;
                    }
                    bb.or(r);
                    outs.or(r);
                }
                return outs;
            }
            return null;
        }

        private int indexOfKey(Term.ObjectTerm o, Term key) {
            Value k = constValue(key);
            for (int i = 0; i < o.keys().size(); i++) {
                Value other = constValue(o.keys().get(i));
                if (k != null && k.equals(other)) {
                    return i;
                }
            }
            return -1;
        }

        private BitSet valueThenPattern(Term value, Term pattern, BitSet b) {
            BitSet needs = new BitSet();
            BitSet outs = new BitSet();
            valueNeeds(value, b, needs, outs);
            BitSet b2 = (BitSet) b.clone();
            b2.or(outs);
            patternNeeds(pattern, b2, needs, outs);
            return subset(needs, b) ? outs : null;
        }

        /** True when a term has no unbound variable where a pattern would bind one. */
        private boolean evaluable(Term t, BitSet b) {
            return switch (t) {
                case Term.Local l -> b.get(l.slot());
                case Term.ArrayTerm a -> a.items().stream().allMatch(x -> evaluable(x, b));
                case Term.ObjectTerm o -> o.values().stream().allMatch(x -> evaluable(x, b));
                default -> true;
            };
        }

        private void patternNeeds(Term t, BitSet b, BitSet needs, BitSet outs) {
            switch (t) {
                case Term.Local l -> {
                    if (!b.get(l.slot())) {
                        outs.set(l.slot());
                    }
                }
                case Term.ArrayTerm a -> a.items().forEach(x -> patternNeeds(x, b, needs, outs));
                case Term.ObjectTerm o -> {
                    o.keys().forEach(x -> valueNeeds(x, b, needs, outs));
                    o.values().forEach(x -> patternNeeds(x, b, needs, outs));
                }
                default -> valueNeeds(t, b, needs, outs);
            }
        }

        private void valueNeeds(Term t, BitSet b, BitSet needs, BitSet outs) {
            switch (t) {
                case Term.Local l -> {
                    if (!b.get(l.slot()) && !outs.get(l.slot())) {
                        needs.set(l.slot());
                    }
                }
                case Term.Ref r -> {
                    valueNeeds(r.head(), b, needs, outs);
                    for (Term p : r.path()) {
                        if (p instanceof Term.Local l && !b.get(l.slot())) {
                            outs.set(l.slot());
                        } else if (p instanceof Term.ArrayTerm || p instanceof Term.ObjectTerm) {
                            patternNeeds(p, b, needs, outs); // x[[1, y]] iterates and binds y
                        } else {
                            valueNeeds(p, b, needs, outs);
                        }
                    }
                }
                case Term.ArrayTerm a -> a.items().forEach(x -> valueNeeds(x, b, needs, outs));
                case Term.SetTerm st -> st.items().forEach(x -> valueNeeds(x, b, needs, outs));
                case Term.ObjectTerm o -> {
                    o.keys().forEach(x -> valueNeeds(x, b, needs, outs));
                    o.values().forEach(x -> valueNeeds(x, b, needs, outs));
                }
                case Term.Call c -> {
                    int arity = c.target() == null ? -1 : arity(c.target());
                    for (int i = 0; i < c.args().size(); i++) {
                        if (arity >= 0 && i == arity) {
                            patternNeeds(c.args().get(i), b, needs, outs);
                        } else {
                            valueNeeds(c.args().get(i), b, needs, outs);
                        }
                    }
                }
                case Term.ArrayCompr c -> closureNeeds(c, b, needs);
                case Term.SetCompr c -> closureNeeds(c, b, needs);
                case Term.ObjectCompr c -> closureNeeds(c, b, needs);
                case Term.IndexedCompr ic -> closureNeeds(ic.compr(), b, needs);
                default -> {
                }
            }
        }

        /** Outer variables a closure reads must be bound before it runs. */
        private void closureNeeds(Object closure, BitSet b, BitSet needs) {
            int[] range = owned.get(closure);
            BitSet all = new BitSet();
            switch (closure) {
                case Term.ArrayCompr c -> {
                    allVars(c.head(), all);
                    c.body().forEach(e -> allExprVars(e, all));
                }
                case Term.SetCompr c -> {
                    allVars(c.head(), all);
                    c.body().forEach(e -> allExprVars(e, all));
                }
                case Term.ObjectCompr c -> {
                    allVars(c.key(), all);
                    allVars(c.value(), all);
                    c.body().forEach(e -> allExprVars(e, all));
                }
                case Expr.Every ev -> ev.body().forEach(e -> allExprVars(e, all));
                default -> {
                }
            }
            if (range != null) {
                all.clear(range[0], range[1]);
            }
            all.andNot(b);
            needs.or(all);
        }

        private void allExprVars(Expr e, BitSet out) {
            switch (e) {
                case Expr.TermExpr t -> allVars(t.term(), out);
                case Expr.Unify u -> {
                    allVars(u.left(), out);
                    allVars(u.right(), out);
                }
                case Expr.Assign a -> {
                    allVars(a.left(), out);
                    allVars(a.right(), out);
                }
                case Expr.Not n -> allExprVars(n.expr(), out);
                case Expr.SomeIn s -> {
                    if (s.key() != null) {
                        allVars(s.key(), out);
                    }
                    allVars(s.value(), out);
                    allVars(s.collection(), out);
                }
                case Expr.Every ev -> {
                    if (ev.key() != null) {
                        allVars(ev.key(), out);
                    }
                    allVars(ev.value(), out);
                    allVars(ev.domain(), out);
                    ev.body().forEach(x -> allExprVars(x, out));
                }
                case Expr.SomeDecl sd -> {
                }
            }
            for (Expr.With w : e.withs()) {
                allVars(w.value(), out);
            }
        }

        private void allVars(Term t, BitSet out) {
            switch (t) {
                case Term.Local l -> out.set(l.slot());
                case Term.Ref r -> {
                    allVars(r.head(), out);
                    r.path().forEach(p -> allVars(p, out));
                }
                case Term.ArrayTerm a -> a.items().forEach(x -> allVars(x, out));
                case Term.SetTerm st -> st.items().forEach(x -> allVars(x, out));
                case Term.ObjectTerm o -> {
                    o.keys().forEach(x -> allVars(x, out));
                    o.values().forEach(x -> allVars(x, out));
                }
                case Term.Call c -> c.args().forEach(x -> allVars(x, out));
                case Term.ArrayCompr c -> {
                    allVars(c.head(), out);
                    c.body().forEach(e -> allExprVars(e, out));
                }
                case Term.SetCompr c -> {
                    allVars(c.head(), out);
                    c.body().forEach(e -> allExprVars(e, out));
                }
                case Term.ObjectCompr c -> {
                    allVars(c.key(), out);
                    allVars(c.value(), out);
                    c.body().forEach(e -> allExprVars(e, out));
                }
                case Term.IndexedCompr ic -> allVars(ic.compr(), out);
                default -> {
                }
            }
        }

        private void markPatternVars(Term t, BitSet b) {
            switch (t) {
                case Term.Local l -> b.set(l.slot());
                case Term.ArrayTerm a -> a.items().forEach(x -> markPatternVars(x, b));
                case Term.ObjectTerm o -> o.values().forEach(x -> markPatternVars(x, b));
                default -> {
                }
            }
        }
    }

    private static boolean subset(BitSet a, BitSet b) {
        BitSet x = (BitSet) a.clone();
        x.andNot(b);
        return x.isEmpty();
    }

    private static Value constValue(Term t) {
        if (t instanceof Term.Scalar s) {
            return s.value();
        }
        if (t instanceof Term.Const c) {
            return c.value();
        }
        return null;
    }

    // ---------------------------------------------------------------- name collection (unresolved AST)

    private static void patternVarNames(Term t, Set<String> out) {
        switch (t) {
            case Term.Var v -> out.add(v.name());
            case Term.ArrayTerm a -> a.items().forEach(x -> patternVarNames(x, out));
            case Term.ObjectTerm o -> o.values().forEach(x -> patternVarNames(x, out));
            default -> {
            }
        }
    }

    private static void exprVarNames(Expr e, Set<String> out) {
        switch (e) {
            case Expr.TermExpr t -> termVarNames(t.term(), out);
            case Expr.Unify u -> {
                termVarNames(u.left(), out);
                termVarNames(u.right(), out);
            }
            case Expr.Assign a -> {
                termVarNames(a.left(), out);
                termVarNames(a.right(), out);
            }
            case Expr.Not n -> exprVarNames(n.expr(), out);
            case Expr.SomeIn s -> {
                if (s.key() != null) {
                    termVarNames(s.key(), out);
                }
                termVarNames(s.value(), out);
                termVarNames(s.collection(), out);
            }
            case Expr.Every ev -> termVarNames(ev.domain(), out);
            case Expr.SomeDecl sd -> {
            }
        }
        for (Expr.With w : e.withs()) {
            termVarNames(w.value(), out);
        }
    }

    /** Variable names of a term, not looking into closures (they have their own scopes). */
    private static void termVarNames(Term t, Set<String> out) {
        switch (t) {
            case Term.Var v -> out.add(v.name());
            case Term.Ref r -> {
                termVarNames(r.head(), out);
                r.path().forEach(p -> termVarNames(p, out));
            }
            case Term.ArrayTerm a -> a.items().forEach(x -> termVarNames(x, out));
            case Term.SetTerm st -> st.items().forEach(x -> termVarNames(x, out));
            case Term.ObjectTerm o -> {
                o.keys().forEach(x -> termVarNames(x, out));
                o.values().forEach(x -> termVarNames(x, out));
            }
            case Term.Call c -> c.args().forEach(x -> termVarNames(x, out));
            default -> {
            }
        }
    }

    /** {@code a.b.c} for a var or a ref of names, else null. */
    static String dottedName(Term t) {
        if (t instanceof Term.Var v) {
            return v.name();
        }
        if (t instanceof Term.Ref r && r.head() instanceof Term.Var v) {
            StringBuilder sb = new StringBuilder(v.name());
            for (Term p : r.path()) {
                if (p instanceof Term.Scalar s && s.value() instanceof StringValue str) {
                    sb.append('.').append(str.value());
                } else {
                    return null;
                }
            }
            return sb.toString();
        }
        return null;
    }

    private static String describe(Term t) {
        return switch (t) {
            case Term.Ref r -> "ref";
            case Term.Call c -> "call";
            default -> t.getClass().getSimpleName().toLowerCase();
        };
    }
}
