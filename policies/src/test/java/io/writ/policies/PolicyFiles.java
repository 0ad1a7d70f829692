package io.writ.policies;

import io.writ.rego.Loader;
import io.writ.rego.Policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the policy module's files are, and the policy compiled from them (rules, tests and data). */
final class PolicyFiles {
    static final Path ROOT = Path.of(System.getProperty("writ.policies.dir", ".")).toAbsolutePath().normalize();
    static final Path REGO = ROOT.resolve("writ");
    static final Path DATA = ROOT.resolve("data.json");
    static final Path SCENARIOS = ROOT.resolve("scenarios");

    private static Policy policy;

    private PolicyFiles() {
    }

    /** Every .rego file under writ/ (tests included) and data.json at the root of data, as opa test loads them. */
    static synchronized Policy policy() {
        if (policy == null) {
            policy = Loader.load(List.of(REGO, DATA)).compile();
        }
        return policy;
    }

    /** The files an OPA bundle holds, relative to the module root: manifest, data, policies without tests. */
    static List<String> bundleFiles() {
        try (Stream<Path> s = Files.walk(REGO)) {
            List<String> rego = s.filter(Files::isRegularFile)
                    .map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".rego") && !n.endsWith("_test.rego"))
                    .sorted()
                    .toList();
            return Stream.concat(Stream.of(".manifest", "data.json"), rego.stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
