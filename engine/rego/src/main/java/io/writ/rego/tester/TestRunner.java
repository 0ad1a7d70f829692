package io.writ.rego.tester;

import io.writ.rego.Policy;
import io.writ.rego.RegoEvalException;
import io.writ.rego.ast.Location;
import io.writ.rego.ast.Module;
import io.writ.rego.ast.Rule;
import io.writ.rego.ast.Term;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs the {@code test_*} rules of a policy like {@code opa test}: a test passes when its rule is
 * defined and not false, fails when it is undefined or false, and errors when evaluation fails.
 * Rules named {@code todo_test_*} are reported as skipped.
 */
public final class TestRunner {

    public enum Outcome { PASS, FAIL, ERROR, SKIP }

    /** One test's result; {@code output} holds what the test printed. */
    public record Result(String name, Location location, Outcome outcome, String message, long nanos,
                         List<String> output) {
    }

    private TestRunner() {
    }

    /** Runs every test whose full name ({@code data.pkg.test_x}) matches {@code filter} (null: all). */
    public static List<Result> run(Policy policy, Pattern filter, EvalOptions base) {
        Map<String, Location> tests = new LinkedHashMap<>();
        Map<String, Location> todos = new LinkedHashMap<>();
        for (Module m : policy.modules()) {
            for (Rule r : m.rules()) {
                if (r.kind() != Rule.Kind.SINGLE || !r.ref().path().isEmpty()) {
                    continue;
                }
                String name = ((Term.Var) r.ref().head()).name();
                String full = "data." + String.join(".", m.pkg()) + "." + name;
                if (filter != null && !filter.matcher(full).find()) {
                    continue;
                }
                if (name.startsWith("test_")) {
                    tests.putIfAbsent(full, r.loc());
                } else if (name.startsWith("todo_test_")) {
                    todos.putIfAbsent(full, r.loc());
                }
            }
        }
        List<Result> out = new ArrayList<>();
        for (Map.Entry<String, Location> t : tests.entrySet()) {
            List<String> printed = new ArrayList<>();
            EvalOptions opts = base.withPrintSink((loc, line) -> printed.add(line));
            long start = System.nanoTime();
            Outcome outcome;
            String message = null;
            try {
                Value v = policy.evaluate(t.getKey(), null, opts);
                outcome = v != null && v.isTruthy() ? Outcome.PASS : Outcome.FAIL;
                if (v == null) {
                    message = "undefined";
                }
            } catch (RegoEvalException e) {
                outcome = Outcome.ERROR;
                message = e.getMessage();
            }
            out.add(new Result(t.getKey(), t.getValue(), outcome, message, System.nanoTime() - start, printed));
        }
        for (Map.Entry<String, Location> t : todos.entrySet()) {
            out.add(new Result(t.getKey(), t.getValue(), Outcome.SKIP, null, 0, List.of()));
        }
        return out;
    }
}
