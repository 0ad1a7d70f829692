package io.writ.rego;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.rego.ast.Compiler;
import io.writ.rego.ast.Expr;
import io.writ.rego.ast.Module;
import io.writ.rego.ast.Parser;
import io.writ.rego.ast.RegoSyntaxError;
import io.writ.rego.builtins.Registry;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.topdown.Evaluation;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled set of Rego modules plus base data: immutable and safe to evaluate from many threads at
 * once. Compile once with {@link #compile}, then evaluate queries or documents against many inputs.
 */
public final class Policy {
    /** One Rego source file. */
    public record Source(String file, String text) {
    }

    private final List<Module> modules;
    private final Compiler.Compiled compiled;
    private final Value data;
    private final Registry builtins;
    private final Map<String, Compiler.CompiledQuery> queries = new ConcurrentHashMap<>();

    private Policy(List<Module> modules, Compiler.Compiled compiled, Value data, Registry builtins) {
        this.modules = modules;
        this.compiled = compiled;
        this.data = data;
        this.builtins = builtins;
    }

    /**
     * Parses and compiles the modules. {@code data} is the base document under {@code data} (an object,
     * or null for none). Throws {@link RegoCompileException} listing every error found.
     */
    public static Policy compile(List<Source> sources, Value data) {
        Registry builtins = Registry.standard();
        List<Module> modules = new ArrayList<>();
        List<RegoCompileException.Error> errors = new ArrayList<>();
        for (Source s : sources) {
            try {
                modules.add(Parser.parseModule(s.file(), s.text()));
            } catch (RegoSyntaxError e) {
                for (RegoSyntaxError one : e.all()) {
                    errors.add(new RegoCompileException.Error(one.location(), "rego_parse_error", one.getMessage()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new RegoCompileException(errors);
        }
        Value base = data == null ? ObjectValue.EMPTY : data;
        if (!(base instanceof ObjectValue)) {
            throw new IllegalArgumentException("data must be an object, got " + base.typeName());
        }
        return new Policy(List.copyOf(modules), Compiler.compile(modules, builtins), base, builtins);
    }

    public static Policy compile(List<Source> sources, JsonNode data) {
        return compile(sources, data == null ? null : Value.of(data));
    }

    /** The parsed modules, e.g. for the test runner to find {@code test_} rules. */
    public List<Module> modules() {
        return modules;
    }

    public Value data() {
        return data;
    }

    /**
     * Evaluates a query such as {@code data.pkg.allow = x} and returns one map of variable bindings per
     * result (empty list: undefined). Compiled queries are cached.
     */
    public List<Map<String, Value>> query(String query, Value input, EvalOptions options) {
        Compiler.CompiledQuery q = queries.computeIfAbsent(query, this::compileQuery);
        return new Evaluation(compiled, options).query(q, data, input);
    }

    private Compiler.CompiledQuery compileQuery(String query) {
        List<Expr> body;
        try {
            body = Parser.parseQuery("query", query);
        } catch (RegoSyntaxError e) {
            throw new RegoCompileException(List.of(new RegoCompileException.Error(e.location(), "rego_parse_error",
                    e.getMessage())));
        }
        return Compiler.compileQuery(body, compiled, builtins);
    }

    /**
     * The value of a document, e.g. {@code "data.writ.aup.decision"} or {@code "writ/aup/decision"};
     * null when undefined.
     */
    public Value evaluate(String path, Value input, EvalOptions options) {
        return new Evaluation(compiled, options).document(data, input, parsePath(path));
    }

    /** Jackson in, Jackson out; null when undefined. */
    public JsonNode evaluate(String path, JsonNode input) {
        Value v = evaluate(path, input == null ? null : Value.of(input), EvalOptions.DEFAULT);
        return v == null ? null : v.toJson();
    }

    /**
     * Parses a ground Rego term such as {@code {"a": {1, 2}}} into a value (for {@code input_term} and the
     * CLI). Throws {@link RegoCompileException} for syntax errors or non-ground terms.
     */
    public static Value parseValue(String file, String term) {
        try {
            return groundValue(Parser.parseTerm(file, term));
        } catch (RegoSyntaxError e) {
            throw new RegoCompileException(List.of(new RegoCompileException.Error(e.location(), "rego_parse_error",
                    e.getMessage())));
        }
    }

    private static Value groundValue(io.writ.rego.ast.Term t) {
        return switch (t) {
            case io.writ.rego.ast.Term.Scalar s -> s.value();
            case io.writ.rego.ast.Term.ArrayTerm a -> io.writ.rego.value.ArrayValue.of(
                    a.items().stream().map(Policy::groundValue).toList());
            case io.writ.rego.ast.Term.SetTerm st -> io.writ.rego.value.SetValue.of(
                    st.items().stream().map(Policy::groundValue).toList());
            case io.writ.rego.ast.Term.ObjectTerm o -> {
                ObjectValue.Builder b = ObjectValue.builder();
                for (int i = 0; i < o.keys().size(); i++) {
                    b.put(groundValue(o.keys().get(i)), groundValue(o.values().get(i)));
                }
                yield b.build();
            }
            default -> throw new RegoCompileException(List.of(new RegoCompileException.Error(t.loc(),
                    "rego_parse_error", "term must be a constant value")));
        };
    }

    static List<Value> parsePath(String path) {
        String p = path.trim();
        if (p.startsWith("data.")) {
            p = p.substring(5).replace('.', '/');
        } else if (p.equals("data")) {
            p = "";
        }
        List<Value> out = new ArrayList<>();
        for (String part : p.split("/")) {
            if (!part.isEmpty()) {
                out.add(StringValue.of(part));
            }
        }
        return out;
    }
}
