package io.writ.rego;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs OPA's own conformance cases (read from {@code ../shared/opa-conformance/v1}, or the folder in the
 * system property {@code writ.conformance.dir}) as one dynamic test each. Cases listed in
 * {@code conformance-known-failures.txt} must fail (so the list stays true); any other case must pass.
 */
class ConformanceTest {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicInteger SKIPPED = new AtomicInteger();
    /** Every failing case with what differed, written to target/conformance-report.txt for reading. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<String> REPORT = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static Path casesDir() {
        String dir = System.getProperty("writ.conformance.dir", "../../../shared/opa-conformance/v1");
        return Path.of(dir);
    }

    static Map<String, String> knownFailures() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = ConformanceTest.class.getResourceAsStream("/conformance-known-failures.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int bar = line.indexOf(" | ");
                if (bar < 0) {
                    throw new IllegalStateException("known-failures line needs 'case | reason': " + line);
                }
                out.put(line.substring(0, bar).strip(), line.substring(bar + 3).strip());
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> conformance() throws IOException {
        Path dir = casesDir();
        assertTrue(Files.isDirectory(dir), "conformance cases not found at " + dir.toAbsolutePath()
                + " (set -Dwrit.conformance.dir)");
        Map<String, String> known = knownFailures();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Path file : files) {
            JsonNode doc = YAML.readTree(file.toFile());
            String rel = dir.relativize(file).toString();
            for (JsonNode c : doc.path("cases")) {
                String id = rel + "#" + c.path("note").asText();
                ids.add(id);
                String reason = known.get(id);
                tests.add(DynamicTest.dynamicTest(c.path("note").asText(), file.toUri(), () -> {
                    String problem;
                    try {
                        problem = run(c);
                    } catch (RuntimeException | StackOverflowError e) {
                        problem = "crashed: " + e;
                    }
                    if (problem == null) {
                        PASSED.incrementAndGet();
                        if (reason != null) {
                            fail(id + " passes now: remove it from conformance-known-failures.txt");
                        }
                    } else {
                        FAILED.incrementAndGet();
                        REPORT.add(id + (reason != null ? " [known: " + reason + "]" : "") + "\n    "
                                + problem.replace("\n", "\n    "));
                        if (reason == null) {
                            fail(id + ": " + problem);
                        }
                    }
                }));
            }
        }
        for (String k : known.keySet()) {
            if (!ids.contains(k)) {
                tests.add(DynamicTest.dynamicTest("known failure exists: " + k,
                        () -> fail("conformance-known-failures.txt lists a case that does not exist: " + k)));
            }
        }
        return tests.stream();
    }

    @AfterAll
    static void summary() throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("conformance-report.txt"), String.join("\n", REPORT) + "\n");
        }
        System.out.println("conformance: " + PASSED.get() + " passed, " + FAILED.get() + " failed, " + SKIPPED.get()
                + " skipped");
    }

    /** Runs one case; returns null when it behaves as OPA's expectation says, else what differed. */
    static String run(JsonNode c) {
        List<Policy.Source> sources = new ArrayList<>();
        int i = 0;
        for (JsonNode m : c.path("modules")) {
            sources.add(new Policy.Source("test-" + i++ + ".rego", m.asText()));
        }
        boolean wantsError = c.has("want_error") || c.has("want_error_code");
        EvalOptions opts = EvalOptions.DEFAULT.withStrict(c.path("strict_error").asBoolean(false))
                .withNow(1_700_000_000_000_000_000L);
        List<Map<String, Value>> got;
        try {
            Value data = c.has("data") ? Json.fromNode(c.get("data")) : null;
            Policy policy = Policy.compile(sources, data);
            Value input = null;
            if (c.has("input_term")) {
                input = Policy.parseValue("input", c.get("input_term").asText());
            } else if (c.has("input")) {
                input = Json.fromNode(c.get("input"));
            }
            got = policy.query(c.path("query").asText(), input, opts);
        } catch (RegoCompileException | RegoEvalException e) {
            if (!wantsError) {
                return "unexpected error: " + e.getMessage();
            }
            String code = e instanceof RegoEvalException ev ? ev.code()
                    : ((RegoCompileException) e).errors().get(0).code();
            if (c.has("want_error_code") && !c.get("want_error_code").asText().equals(code)) {
                return "want error code " + c.get("want_error_code").asText() + ", got " + e.getMessage();
            }
            if (c.has("want_error") && !e.getMessage().contains(c.get("want_error").asText())) {
                return "want error containing '" + c.get("want_error").asText() + "', got " + e.getMessage();
            }
            return null;
        }
        if (wantsError) {
            return "want error " + c.path("want_error_code").asText() + " " + c.path("want_error").asText()
                    + ", got result " + render(got);
        }
        List<Value> want = new ArrayList<>();
        for (JsonNode w : c.path("want_result")) {
            want.add(Json.fromNode(w));
        }
        List<Value> have = new ArrayList<>();
        for (Map<String, Value> b : got) {
            ObjectValue.Builder ob = ObjectValue.builder();
            b.forEach(ob::put);
            have.add(ob.build());
        }
        if (c.path("sort_bindings").asBoolean(false)) {
            want.sort(Comparator.comparing(v -> Json.fromNode(v.toJson())));
            have.sort(Comparator.comparing(v -> Json.fromNode(v.toJson())));
        }
        if (!matches(ArrayValue.of(want), ArrayValue.of(have))) {
            return "want " + ArrayValue.of(want).toJsonString() + "\n got " + ArrayValue.of(have).toJsonString();
        }
        return null;
    }

    /**
     * Compares an expected JSON value with a result the way OPA's harness does: sets (written as arrays in
     * the YAML) match regardless of order, non-string object keys match their JSON text.
     */
    static boolean matches(Value want, Value got) {
        if (got instanceof io.writ.rego.value.SetValue gs && want instanceof ArrayValue wa) {
            if (gs.size() != wa.size()) {
                return false;
            }
            List<Value> pool = new ArrayList<>(gs.elements());
            for (Value w : wa.items()) {
                int hit = -1;
                for (int i = 0; i < pool.size() && hit < 0; i++) {
                    if (matches(w, pool.get(i))) {
                        hit = i;
                    }
                }
                if (hit < 0) {
                    return false;
                }
                pool.remove(hit);
            }
            return true;
        }
        if (got instanceof ArrayValue ga && want instanceof ArrayValue wa) {
            if (ga.size() != wa.size()) {
                return false;
            }
            for (int i = 0; i < ga.size(); i++) {
                if (!matches(wa.get(i), ga.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (got instanceof ObjectValue go && want instanceof ObjectValue wo) {
            if (go.size() != wo.size()) {
                return false;
            }
            for (int i = 0; i < go.size(); i++) {
                Value w = wo.get(io.writ.rego.value.StringValue.of(ObjectValue.keyText(go.keyAt(i))));
                if (w == null || !matches(w, go.valueAt(i))) {
                    return false;
                }
            }
            return true;
        }
        return want.equals(got);
    }

    private static String render(List<Map<String, Value>> got) {
        StringBuilder sb = new StringBuilder("[");
        for (Map<String, Value> m : got) {
            sb.append(m);
        }
        return sb.append(']').toString();
    }
}
