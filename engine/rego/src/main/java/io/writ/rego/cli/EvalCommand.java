package io.writ.rego.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.rego.Loader;
import io.writ.rego.Policy;
import io.writ.rego.RegoCompileException;
import io.writ.rego.RegoEvalException;
import io.writ.rego.ast.Expr;
import io.writ.rego.ast.Parser;
import io.writ.rego.ast.RegoSyntaxError;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code writ eval}: evaluates a Rego query, with arguments and output shaped like {@code opa eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a Rego query, like opa eval.")
public final class EvalCommand implements Callable<Integer> {
    private static final String VALUE_VAR = "__writ_value__";
    /** Two-space indentation, {@code "key": value}, one element per line: how opa eval prints JSON. */
    private static final DefaultPrettyPrinter OPA_STYLE = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--data"}, description = "Policy or data file or directory (repeatable).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--ignore", description = "File or folder names to skip while loading, as globs (repeatable).")
    List<String> ignore = new ArrayList<>();

    @Option(names = {"-i", "--input"}, description = "Input document file (JSON or YAML).")
    Path input;

    @Option(names = {"-I", "--stdin-input"}, description = "Read the input document from stdin.")
    boolean stdinInput;

    @Option(names = {"-f", "--format"}, defaultValue = "json", description = "Output format: json, raw or pretty.")
    String format;

    @Option(names = "--strict-builtin-errors", description = "Treat built-in errors as fatal.")
    boolean strict;

    @Option(names = "--fail", description = "Exit with 1 if the result is undefined.")
    boolean fail;

    @Option(names = "--fail-defined", description = "Exit with 1 if the result is defined.")
    boolean failDefined;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The query, e.g. data.writ.aup.decision")
    String query;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Loader.Loaded loaded = Loader.load(data, ignore);
            Policy policy = loaded.compile();
            Value in = readInput();
            List<Expr> parsed = Parser.parseQuery("query", query);
            boolean single = parsed.size() == 1 && parsed.get(0) instanceof Expr.TermExpr t && t.withs().isEmpty();
            String q = single ? VALUE_VAR + " = (" + query + ")" : query;
            EvalOptions opts = EvalOptions.DEFAULT.withStrict(strict)
                    .withPrintSink((loc, line) -> err.println(line));
            List<Map<String, Value>> results = policy.query(q, in, opts);
            print(out, results, single, parsed.size());
            boolean defined = !results.isEmpty();
            return (fail && !defined) || (failDefined && defined) ? 1 : 0;
        } catch (RegoCompileException | RegoEvalException | Loader.LoadException e) {
            err.println(e.getMessage());
            return 1;
        } catch (RegoSyntaxError e) {
            err.println(e.location() + ": rego_parse_error: " + e.getMessage());
            return 1;
        }
    }

    private Value readInput() throws IOException {
        String text = null;
        if (stdinInput) {
            text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } else if (input != null) {
            text = Files.readString(input);
        }
        if (text == null) {
            return null;
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Loader.LoadException((input == null ? "stdin" : input.toString()) + ": " + e.getMessage());
        }
    }

    private void print(PrintWriter out, List<Map<String, Value>> results, boolean single, int exprs) throws IOException {
        ObjectWriter mapper = Json.MAPPER.writer(OPA_STYLE);
        switch (format) {
            case "raw" -> {
                for (Map<String, Value> r : results) {
                    Value v = single ? r.get(VALUE_VAR) : null;
                    if (v != null) {
                        out.println(v instanceof io.writ.rego.value.StringValue s ? s.value() : v.toJsonString());
                    } else {
                        out.println(bindings(r).toString());
                    }
                }
            }
            case "pretty" -> {
                for (Map<String, Value> r : results) {
                    Value v = single ? r.get(VALUE_VAR) : null;
                    out.println(mapper.writeValueAsString(v != null ? v.toJson() : bindings(r)));
                }
                if (results.isEmpty()) {
                    out.println("undefined");
                }
            }
            default -> {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                if (!results.isEmpty()) {
                    ArrayNode arr = root.putArray("result");
                    for (Map<String, Value> r : results) {
                        ObjectNode one = arr.addObject();
                        ArrayNode ex = one.putArray("expressions");
                        if (single) {
                            ObjectNode e = ex.addObject();
                            e.set("value", r.get(VALUE_VAR).toJson());
                            e.put("text", query);
                            e.putObject("location").put("row", 1).put("col", 1);
                        } else {
                            for (int i = 0; i < exprs; i++) {
                                ex.addObject().put("value", true).put("text", query);
                            }
                        }
                        ObjectNode b = bindings(r);
                        if (!b.isEmpty()) {
                            one.set("bindings", b);
                        }
                    }
                }
                out.println(root.isEmpty() ? "{}" : mapper.writeValueAsString(root)); // undefined, as opa prints it
            }
        }
        out.flush();
    }

    private static ObjectNode bindings(Map<String, Value> r) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        r.forEach((k, v) -> {
            if (!k.equals(VALUE_VAR)) {
                b.set(k, v.toJson());
            }
        });
        return b;
    }

}
