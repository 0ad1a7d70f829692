package io.writ.rego.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.writ.rego.Policy;
import io.writ.rego.topdown.EvalOptions;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One decision of a ~50-rule acceptable-use policy over a ~20 KB dossier, against Jackson parsing the
 * same input. Run with {@code ./mvnw -pl engine/rego -Pbench verify} (see docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionBenchmark {
    static final String DECISION = "data.bench.aup.decision";
    static final EvalOptions OPTIONS = EvalOptions.DEFAULT;

    Policy policy;
    String json;
    JsonNode tree;

    @Setup
    public void setup() throws IOException {
        policy = benchPolicy();
        json = Dossiers.json(20);
        tree = Json.MAPPER.readTree(json);
    }

    static Policy benchPolicy() throws IOException {
        try (InputStream in = DecisionBenchmark.class.getResourceAsStream("/bench/decision.rego")) {
            String src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Policy.compile(List.of(new Policy.Source("decision.rego", src)), (Value) null);
        }
    }

    /** Jackson reading the dossier text into a tree: the yardstick. */
    @Benchmark
    public JsonNode jacksonParse() throws IOException {
        return Json.MAPPER.readTree(json);
    }

    /** The decision from an already parsed tree (converting it to Rego values is included). */
    @Benchmark
    public Value decide() {
        return policy.evaluate(DECISION, Value.of(tree), OPTIONS);
    }

    /** Writ's own reader: the dossier text straight into Rego values, no tree in between. */
    @Benchmark
    public Value readValues() {
        return Json.parse(json);
    }

    /** What a request costs end to end: read the text into values, then decide. */
    @Benchmark
    public Value readAndDecide() {
        return policy.evaluate(DECISION, Json.parse(json), OPTIONS);
    }
}
