package io.writ.rego.cli;

import io.writ.rego.Loader;
import io.writ.rego.Policy;
import io.writ.rego.RegoCompileException;
import io.writ.rego.tester.TestRunner;
import io.writ.rego.topdown.EvalOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code writ test}: runs the {@code test_*} rules under the given paths, like {@code opa test}.
 * Exit code 0 when every test passes, 2 when a test fails or errors, 1 when the policy does not load.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Run Rego tests, like opa test.")
public final class TestCommand implements Callable<Integer> {
    private static final String RULE = "-".repeat(80);

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, description = "Print every test, not only failures.")
    boolean verbose;

    @Option(names = {"-r", "--run"}, description = "Run only tests whose name matches this regular expression.")
    String run;

    @Option(names = "--ignore", description = "File or folder names to skip while loading, as globs (repeatable).")
    List<String> ignore = new java.util.ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy and data files or directories.")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Pattern filter;
        try {
            filter = run == null ? null : Pattern.compile(run);
        } catch (PatternSyntaxException e) {
            err.println("invalid --run pattern: " + e.getDescription());
            return 1;
        }
        Policy policy;
        try {
            policy = Loader.load(paths, ignore).compile();
        } catch (RegoCompileException | Loader.LoadException e) {
            err.println(e.getMessage());
            return 1;
        }
        List<TestRunner.Result> results = TestRunner.run(policy, filter, EvalOptions.DEFAULT);
        long pass = 0;
        long fail = 0;
        long error = 0;
        long skip = 0;
        boolean header = false;
        for (TestRunner.Result r : results) {
            switch (r.outcome()) {
                case PASS -> pass++;
                case FAIL -> fail++;
                case ERROR -> error++;
                case SKIP -> skip++;
            }
            boolean bad = r.outcome() == TestRunner.Outcome.FAIL || r.outcome() == TestRunner.Outcome.ERROR;
            if (verbose || bad) {
                if (!header) {
                    out.println(r.location().file() + ":");
                    header = true;
                }
                out.printf(Locale.ROOT, "%s: %s (%s)%n", r.name(), r.outcome(), duration(r.nanos()));
                if (bad) {
                    out.println("  at " + r.location() + (r.message() == null ? "" : ": " + r.message()));
                }
                for (String line : r.output()) {
                    out.println("  " + line);
                }
            }
        }
        long total = results.size();
        out.println(RULE);
        if (pass > 0) {
            out.printf("PASS: %d/%d%n", pass, total);
        }
        if (fail > 0) {
            out.printf("FAIL: %d/%d%n", fail, total);
        }
        if (error > 0) {
            out.printf("ERROR: %d/%d%n", error, total);
        }
        if (skip > 0) {
            out.printf("SKIPPED: %d/%d%n", skip, total);
        }
        if (total == 0) {
            out.println("no tests found");
        }
        out.flush();
        return fail + error > 0 ? 2 : 0;
    }

    private static String duration(long nanos) {
        if (nanos >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1fµs", nanos / 1e3);
    }
}
