package io.writ.rego.ast;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser for Rego v1 (OPA 1.x syntax: {@code if} and {@code contains} required).
 * Line breaks separate body expressions, so infix operators, refs and calls only continue a term on
 * the same line.
 */
public final class Parser {
    private static final Set<String> KEYWORDS = Set.of("package", "import", "as", "default", "if", "else",
            "contains", "some", "in", "every", "not", "with", "true", "false", "null");
    private static final Map<String, String> RELATION = Map.of("==", "equal", "!=", "neq", "<", "lt", "<=", "lte",
            ">", "gt", ">=", "gte");

    private final String file;
    private final List<Token> toks;
    private int i;
    /** While parsing a comprehension head, a top-level {@code |} ends the term instead of meaning union. */
    private boolean stopAtPipe;

    private Parser(String file, String src) {
        this.file = file;
        this.toks = new Lexer(file, src).tokens();
    }

    public static Module parseModule(String file, String src) {
        return new Parser(file, src).module();
    }

    /** Parses a query: expressions separated by {@code ;} or line breaks. */
    public static List<Expr> parseQuery(String file, String src) {
        Parser p = new Parser(file, src);
        List<Expr> body = new ArrayList<>();
        while (p.peek().kind() != Token.Kind.EOF) {
            body.add(p.literal());
            if (p.peek().is(";")) {
                p.next();
            } else if (p.peek().kind() != Token.Kind.EOF && !p.peek().newlineBefore()) {
                throw p.error(p.peek(), "unexpected " + p.describe(p.peek()));
            }
        }
        if (body.isEmpty()) {
            throw p.error(p.peek(), "empty query");
        }
        return body;
    }

    /** Parses a single term, e.g. an {@code input_term}. */
    public static Term parseTerm(String file, String src) {
        Parser p = new Parser(file, src);
        Term t = p.termIn();
        if (p.peek().kind() != Token.Kind.EOF) {
            throw p.error(p.peek(), "unexpected " + p.describe(p.peek()));
        }
        return t;
    }

    // ---- module level ----

    private Module module() {
        Token pk = peek();
        if (!pk.is("package")) {
            throw error(pk, "package expected");
        }
        next();
        Term.Ref pref = refOfNames();
        List<String> pkg = new ArrayList<>();
        pkg.add(((Term.Var) pref.head()).name());
        for (Term t : pref.path()) {
            pkg.add(((StringValue) ((Term.Scalar) t).value()).value());
        }
        List<Module.Import> imports = new ArrayList<>();
        while (peek().is("import")) {
            Token it = next();
            Term.Ref r = refOfNames();
            String alias = null;
            if (peek().is("as") && !peek().newlineBefore()) {
                next();
                alias = ident().text();
            }
            imports.add(new Module.Import(r, alias, loc(it)));
        }
        List<Rule> rules = new ArrayList<>();
        List<RegoSyntaxError> errors = new ArrayList<>();
        while (peek().kind() != Token.Kind.EOF) {
            try {
                if (peek().is("import")) {
                    throw error(peek(), "import must come before rules");
                }
                rules.add(rule());
            } catch (RegoSyntaxError e) {
                // report it, then resume at the next line that starts in column 1: most likely the next rule
                errors.add(e);
                do {
                    next();
                } while (peek().kind() != Token.Kind.EOF && !(peek().newlineBefore() && peek().col() == 1));
            }
        }
        if (!errors.isEmpty()) {
            throw RegoSyntaxError.of(errors);
        }
        return new Module(file, List.copyOf(pkg), loc(pk), List.copyOf(imports), List.copyOf(rules));
    }

    /** {@code a.b["c"]} with only names and string keys (packages and imports). */
    private Term.Ref refOfNames() {
        Token first = ident();
        List<Term> path = new ArrayList<>();
        while (!peek().newlineBefore() && (peek().is(".") || peek().is("["))) {
            if (next().is(".")) {
                Token n = anyIdent();
                path.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
            } else {
                Token s = next();
                if (s.kind() != Token.Kind.STRING) {
                    throw error(s, "expected string in brackets");
                }
                path.add(new Term.Scalar(StringValue.of(s.text()), loc(s)));
                expect("]");
            }
        }
        return new Term.Ref(new Term.Var(first.text(), loc(first)), List.copyOf(path), loc(first));
    }

    private Rule rule() {
        Token start = peek();
        boolean isDefault = false;
        if (start.is("default")) {
            next();
            isDefault = true;
        }
        Term.Ref ref = ruleRef();
        List<Term> args = null;
        if (peek().is("(") && !peek().newlineBefore()) {
            next();
            args = new ArrayList<>();
            if (!peek().is(")")) {
                do {
                    args.add(termIn());
                } while (accept(","));
            }
            expect(")");
            args = List.copyOf(args);
        }
        Location loc = loc(start);
        if (isDefault) {
            if (!(peek().is(":=") || peek().is("="))) {
                throw error(peek(), "default rules must have a value: default " + refText(ref) + " := <value>");
            }
            next();
            Term v = termIn();
            return new Rule(loc, args != null ? Rule.Kind.FUNCTION : Rule.Kind.SINGLE, ref, args, null, v,
                    List.of(), true, null);
        }
        if (peek().is("contains") && args == null) {
            next();
            Term key = termIn();
            List<Expr> body = optionalBody(key.loc());
            return new Rule(loc, Rule.Kind.MULTI, ref, null, key, null, body, false, null);
        }
        Term value = null;
        if (peek().is(":=") || peek().is("=")) {
            next();
            value = termIn();
        }
        List<Expr> body = optionalBody(loc);
        Rule elseRule = elseChain(loc);
        if (elseRule != null && args == null && !ref.path().isEmpty() && !isGround(ref)) {
            throw error(start, "else keyword cannot be used on multi-value rules");
        }
        return new Rule(loc, args != null ? Rule.Kind.FUNCTION : Rule.Kind.SINGLE, ref, args, null, value, body,
                false, elseRule);
    }

    private static boolean isGround(Term.Ref ref) {
        for (Term t : ref.path()) {
            if (!(t instanceof Term.Scalar)) {
                return false;
            }
        }
        return true;
    }

    private Rule elseChain(Location ruleLoc) {
        if (!peek().is("else")) {
            return null;
        }
        Token e = next();
        Term value = null;
        if (peek().is(":=") || peek().is("=")) {
            next();
            value = termIn();
        }
        List<Expr> body = optionalBody(loc(e));
        Rule next = elseChain(ruleLoc);
        return new Rule(loc(e), Rule.Kind.SINGLE, null, null, null, value, body, false, next);
    }

    /** {@code if { ... }}, {@code if expr}, or nothing (an always-true body). */
    private List<Expr> optionalBody(Location at) {
        if (peek().is("if")) {
            next();
            if (peek().is("{")) {
                // `if {` starts a body, unless what follows only parses as a term (`if {x: 1 | ...}`)
                int save = i;
                try {
                    return braceBody();
                } catch (RegoSyntaxError e) {
                    int failedAt = i;
                    i = save;
                    try {
                        return List.of(literal());
                    } catch (RegoSyntaxError ignored) {
                        i = failedAt; // report, and recover from, the body's error
                        throw e;
                    }
                }
            }
            return List.of(literal());
        }
        if (peek().is("{") && !peek().newlineBefore()) {
            throw error(peek(), "`if` keyword is required before rule body");
        }
        return List.of(new Expr.TermExpr(new Term.Scalar(BooleanValue.TRUE, at), List.of(), at));
    }

    /** The head reference of a rule: a name followed by {@code .name} or {@code [term]}. */
    private Term.Ref ruleRef() {
        Token first = peek();
        if (first.kind() != Token.Kind.IDENT || KEYWORDS.contains(first.text())) {
            throw error(first, "unexpected " + describe(first) + ", expected rule");
        }
        next();
        List<Term> path = new ArrayList<>();
        while (!peek().newlineBefore() && (peek().is(".") || peek().is("["))) {
            if (next().is(".")) {
                Token n = anyIdent();
                path.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
            } else {
                path.add(termIn());
                expect("]");
            }
        }
        return new Term.Ref(new Term.Var(first.text(), loc(first)), List.copyOf(path), loc(first));
    }

    private List<Expr> braceBody() {
        expect("{");
        List<Expr> body = new ArrayList<>();
        while (!peek().is("}")) {
            if (peek().kind() == Token.Kind.EOF) {
                throw error(peek(), "unexpected end of input, expected }");
            }
            body.add(literal());
            if (accept(";")) {
                continue;
            }
            if (!peek().is("}") && !peek().newlineBefore()) {
                throw error(peek(), "unexpected " + describe(peek()));
            }
        }
        next();
        if (body.isEmpty()) {
            throw error(peek(), "found empty body");
        }
        return List.copyOf(body);
    }

    // ---- expressions ----

    private Expr literal() {
        Token t = peek();
        Expr e;
        if (t.is("some")) {
            e = some();
        } else if (t.is("not")) {
            next();
            Expr inner = literalNoWith();
            e = new Expr.Not(inner, List.of(), loc(t));
        } else if (t.is("every")) {
            e = every();
        } else {
            e = literalNoWith();
        }
        List<Expr.With> withs = withs();
        return withs.isEmpty() ? e : Expr.withWiths(e, withs);
    }

    private Expr literalNoWith() {
        Token t = peek();
        if (t.is("some") || t.is("every")) {
            throw error(t, "unexpected " + t.text() + " keyword");
        }
        Term left = termIn();
        if (peek().is(",") && !peek().newlineBefore()) {
            // k, v in coll: membership over keys and values
            next();
            Term v = termNoIn();
            if (!peek().is("in")) {
                throw error(peek(), "unexpected , in expression");
            }
            next();
            Term member = moreIn(new Term.Call("internal.member_3", List.of(left, v, relation()), loc(t)));
            if (peek().is("=") || peek().is(":=")) {
                throw error(peek(), "unexpected " + describe(peek()));
            }
            return new Expr.TermExpr(member, List.of(), loc(t));
        }
        if (peek().is("=") && !peek().newlineBefore()) {
            next();
            return new Expr.Unify(left, termIn(), List.of(), loc(t));
        }
        if (peek().is(":=") && !peek().newlineBefore()) {
            next();
            return new Expr.Assign(left, termIn(), List.of(), loc(t));
        }
        return new Expr.TermExpr(left, List.of(), loc(t));
    }

    private List<Expr.With> withs() {
        List<Expr.With> ws = new ArrayList<>();
        while (peek().is("with")) { // a with may continue the expression on the next line
            Token w = next();
            Term target = termNoIn();
            if (!peek().is("as")) {
                throw error(peek(), "expected as in with statement");
            }
            next();
            Term value = termIn();
            ws.add(new Expr.With(target, value, loc(w)));
        }
        return ws;
    }

    private Expr some() {
        Token s = next();
        List<Term> terms = new ArrayList<>();
        terms.add(termNoIn());
        while (peek().is(",") && !peek().newlineBefore()) {
            next();
            terms.add(termNoIn());
        }
        if (peek().is("in") && !peek().newlineBefore()) {
            next();
            Term coll = termNoIn();
            if (terms.size() > 2) {
                throw error(s, "unexpected , in some: at most key and value");
            }
            return terms.size() == 1 ? new Expr.SomeIn(null, terms.get(0), coll, List.of(), loc(s))
                    : new Expr.SomeIn(terms.get(0), terms.get(1), coll, List.of(), loc(s));
        }
        List<Term.Var> vars = new ArrayList<>();
        for (Term t : terms) {
            if (!(t instanceof Term.Var v)) {
                throw new RegoSyntaxError(t.loc(), "expected var in some declaration");
            }
            vars.add(v);
        }
        return new Expr.SomeDecl(List.copyOf(vars), loc(s));
    }

    private Expr every() {
        Token e = next();
        Term first = termNoIn();
        Term second = null;
        if (accept(",")) {
            second = termNoIn();
        }
        if (!peek().is("in")) {
            throw error(peek(), "expected in in every");
        }
        next();
        Term domain = termNoIn();
        List<Expr> body = braceBody();
        return second == null ? new Expr.Every(null, first, domain, body, List.of(), loc(e))
                : new Expr.Every(first, second, domain, body, List.of(), loc(e));
    }

    // ---- terms, by precedence: in < relation < | < & < + - < * / % < unary ----

    private Term termIn() {
        return moreIn(relation());
    }

    /** Continues {@code left in c1 in c2 ...}, left-associative. */
    private Term moreIn(Term left) {
        while (peek().is("in") && !peek().newlineBefore()) {
            Token op = next();
            Term right = relation();
            left = new Term.Call("internal.member_2", List.of(left, right), loc(op));
        }
        return left;
    }

    private Term termNoIn() {
        return relation();
    }

    private Term relation() {
        Term left = or();
        while (!peek().newlineBefore() && peek().kind() == Token.Kind.PUNCT && RELATION.containsKey(peek().text())) {
            Token op = next();
            Term right = or();
            left = new Term.Call(RELATION.get(op.text()), List.of(left, right), loc(op));
        }
        return left;
    }

    private Term or() {
        Term left = and();
        while (!stopAtPipe && peek().is("|") && !peek().newlineBefore()) {
            Token op = next();
            left = new Term.Call("or", List.of(left, and()), loc(op));
        }
        return left;
    }

    private Term and() {
        Term left = arith();
        while (peek().is("&") && !peek().newlineBefore()) {
            Token op = next();
            left = new Term.Call("and", List.of(left, arith()), loc(op));
        }
        return left;
    }

    private Term arith() {
        Term left = factor();
        while ((peek().is("+") || peek().is("-")) && !peek().newlineBefore()) {
            Token op = next();
            left = new Term.Call(op.is("+") ? "plus" : "minus", List.of(left, factor()), loc(op));
        }
        return left;
    }

    private Term factor() {
        Term left = unary();
        while ((peek().is("*") || peek().is("/") || peek().is("%")) && !peek().newlineBefore()) {
            Token op = next();
            String name = op.is("*") ? "mul" : op.is("/") ? "div" : "rem";
            left = new Term.Call(name, List.of(left, unary()), loc(op));
        }
        return left;
    }

    private Term unary() {
        Token t = peek();
        if (t.is("-")) {
            next();
            Token n = peek();
            if (n.kind() == Token.Kind.NUMBER && n.col() == t.col() + 1 && n.line() == t.line()) {
                next();
                return postfix(new Term.Scalar(number(n, "-" + n.text()), loc(t)));
            }
            Term operand = unary();
            return new Term.Call("minus", List.of(new Term.Scalar(NumberValue.ZERO, loc(t)), operand), loc(t));
        }
        return postfix(primary());
    }

    private NumberValue number(Token at, String text) {
        try {
            return NumberValue.parse(text);
        } catch (NumberFormatException e) {
            throw error(at, "invalid number " + text);
        }
    }

    private Term primary() {
        Token t = next();
        Location l = loc(t);
        switch (t.kind()) {
            case NUMBER:
                return new Term.Scalar(number(t, t.text()), l);
            case STRING:
            case RAW_STRING:
                return new Term.Scalar(StringValue.of(t.text()), l);
            case IDENT:
                switch (t.text()) {
                    case "true":
                        return new Term.Scalar(BooleanValue.TRUE, l);
                    case "false":
                        return new Term.Scalar(BooleanValue.FALSE, l);
                    case "null":
                        return new Term.Scalar(NullValue.INSTANCE, l);
                    case "set":
                        if (peek().is("(") && !peek().newlineBefore() && toks.get(i + 1).is(")")) {
                            next();
                            next();
                            return new Term.SetTerm(List.of(), l);
                        }
                        break;
                    default:
                        if (t.text().equals("contains") && peek().is("(") && !peek().newlineBefore()) {
                            break; // the contains built-in: a keyword only in rule heads
                        }
                        if (KEYWORDS.contains(t.text())) {
                            throw error(t, "unexpected " + t.text() + " keyword");
                        }
                }
                return new Term.Var(t.text(), l);
            case PUNCT:
                switch (t.text()) {
                    case "(": {
                        boolean save = stopAtPipe;
                        stopAtPipe = false;
                        Term inner = termIn();
                        if (accept(",")) {
                            // (k, v in coll): membership of a key/value pair
                            Term v = termNoIn();
                            if (!peek().is("in")) {
                                throw error(peek(), "unexpected " + describe(peek()) + ", expected in");
                            }
                            next();
                            inner = moreIn(new Term.Call("internal.member_3", List.of(inner, v, relation()), l));
                        }
                        stopAtPipe = save;
                        expect(")");
                        return inner;
                    }
                    case "[":
                        return arrayOrCompr(l);
                    case "{":
                        return objectOrSet(l);
                    default:
                        throw error(t, "unexpected " + describe(t));
                }
            default:
                throw error(t, "unexpected " + describe(t));
        }
    }

    private Term arrayOrCompr(Location l) {
        boolean save = stopAtPipe;
        try {
            if (accept("]")) {
                return new Term.ArrayTerm(List.of(), l);
            }
            stopAtPipe = true;
            Term first = termIn();
            stopAtPipe = false;
            if (accept("|")) {
                List<Expr> body = comprBody("]");
                return new Term.ArrayCompr(first, body, l);
            }
            return new Term.ArrayTerm(restOfList(first, "]"), l);
        } finally {
            stopAtPipe = save;
        }
    }

    private Term objectOrSet(Location l) {
        boolean save = stopAtPipe;
        try {
            if (accept("}")) {
                return new Term.ObjectTerm(List.of(), List.of(), l);
            }
            stopAtPipe = true;
            Term first = termIn();
            if (accept(":")) {
                Term v = termIn();
                stopAtPipe = false;
                if (accept("|")) {
                    return new Term.ObjectCompr(first, v, comprBody("}"), l);
                }
                List<Term> ks = new ArrayList<>();
                List<Term> vs = new ArrayList<>();
                ks.add(first);
                vs.add(v);
                while (accept(",")) {
                    if (peek().is("}")) {
                        break;
                    }
                    ks.add(termIn());
                    expect(":");
                    vs.add(termIn());
                }
                expect("}");
                return new Term.ObjectTerm(List.copyOf(ks), List.copyOf(vs), l);
            }
            stopAtPipe = false;
            if (accept("|")) {
                return new Term.SetCompr(first, comprBody("}"), l);
            }
            return new Term.SetTerm(restOfList(first, "}"), l);
        } finally {
            stopAtPipe = save;
        }
    }

    /** {@code first, t2, t3 ...close}: the items of a literal, a trailing comma allowed. */
    private List<Term> restOfList(Term first, String close) {
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (accept(",")) {
            if (peek().is(close)) {
                break;
            }
            items.add(termIn());
        }
        expect(close);
        return List.copyOf(items);
    }

    private List<Expr> comprBody(String close) {
        List<Expr> body = new ArrayList<>();
        while (!peek().is(close)) {
            if (peek().kind() == Token.Kind.EOF) {
                throw error(peek(), "unexpected end of input, expected " + close);
            }
            body.add(literal());
            if (accept(";")) {
                continue;
            }
            if (!peek().is(close) && !peek().newlineBefore()) {
                throw error(peek(), "unexpected " + describe(peek()));
            }
        }
        next();
        if (body.isEmpty()) {
            throw error(peek(), "found empty comprehension body");
        }
        return List.copyOf(body);
    }

    /** Refs, calls and indexing that continue a term on the same line. */
    private Term postfix(Term base) {
        Term cur = base;
        List<Term> path = new ArrayList<>();
        while (!peek().newlineBefore()) {
            Token t = peek();
            if (t.is(".")) {
                next();
                Token n = anyIdent();
                path.add(new Term.Scalar(StringValue.of(n.text()), loc(n)));
            } else if (t.is("[")) {
                next();
                boolean save = stopAtPipe;
                stopAtPipe = false;
                path.add(termIn());
                stopAtPipe = save;
                expect("]");
            } else if (t.is("(")) {
                String name = callName(cur, path, t);
                next();
                List<Term> args = new ArrayList<>();
                boolean save = stopAtPipe;
                stopAtPipe = false;
                while (!peek().is(")")) {
                    args.add(termIn());
                    if (!accept(",")) {
                        break;
                    }
                }
                stopAtPipe = save;
                expect(")");
                cur = new Term.Call(name, List.copyOf(args), cur.loc());
                path = new ArrayList<>();
            } else {
                break;
            }
        }
        if (path.isEmpty()) {
            return cur;
        }
        return new Term.Ref(cur, List.copyOf(path), cur.loc());
    }

    private String callName(Term head, List<Term> path, Token at) {
        if (!(head instanceof Term.Var v)) {
            throw error(at, "unexpected ( after non-function term");
        }
        StringBuilder sb = new StringBuilder(v.name());
        for (Term p : path) {
            if (p instanceof Term.Scalar s && s.value() instanceof StringValue str) {
                sb.append('.').append(str.value());
            } else {
                throw error(at, "function names must be plain references");
            }
        }
        return sb.toString();
    }

    // ---- token helpers ----

    private Token peek() {
        return toks.get(i);
    }

    private Token next() {
        Token t = toks.get(i);
        if (t.kind() != Token.Kind.EOF) {
            i++;
        }
        return t;
    }

    private boolean accept(String p) {
        if (peek().is(p) && peek().kind() == Token.Kind.PUNCT) {
            next();
            return true;
        }
        return false;
    }

    private void expect(String p) {
        Token t = peek();
        if (!(t.kind() == Token.Kind.PUNCT && t.text().equals(p))) {
            throw error(t, "unexpected " + describe(t) + ", expected " + p);
        }
        next();
    }

    private Token ident() {
        Token t = next();
        if (t.kind() != Token.Kind.IDENT || KEYWORDS.contains(t.text())) {
            throw error(t, "unexpected " + describe(t) + ", expected identifier");
        }
        return t;
    }

    /** After a dot any identifier, keywords included, is a key ({@code input.in}, {@code data.not}). */
    private Token anyIdent() {
        Token t = next();
        if (t.kind() != Token.Kind.IDENT) {
            throw error(t, "unexpected " + describe(t) + ", expected identifier");
        }
        return t;
    }

    private String describe(Token t) {
        return switch (t.kind()) {
            case EOF -> "eof token";
            case STRING, RAW_STRING -> "string token";
            case NUMBER -> "number token";
            case IDENT -> KEYWORDS.contains(t.text()) ? t.text() + " keyword" : "ident token";
            case PUNCT -> t.text() + " token";
        };
    }

    private static String refText(Term.Ref ref) {
        StringBuilder sb = new StringBuilder(((Term.Var) ref.head()).name());
        for (Term t : ref.path()) {
            sb.append(t instanceof Term.Scalar s && s.value() instanceof StringValue str ? "." + str.value() : "[...]");
        }
        return sb.toString();
    }

    private Location loc(Token t) {
        return new Location(file, t.line(), t.col());
    }

    private RegoSyntaxError error(Token t, String msg) {
        return new RegoSyntaxError(loc(t), msg);
    }
}
