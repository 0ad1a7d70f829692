package io.writ.rego.cli;

import io.writ.rego.value.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code writ eval} and {@code writ test} behave like their OPA counterparts: output shape and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = RegoCli.addTo(new CommandLine(new RegoCliRoot()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @CommandLine.Command(name = "writ")
    static final class RegoCliRoot {
    }

    private void policy() throws Exception {
        Files.writeString(dir.resolve("p.rego"), """
                package p

                import rego.v1

                allow if input.role == data.config.admin_role

                test_admin if allow with input as {"role": "admin"}

                test_guest if allow with input as {"role": "guest"}
                """);
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/data.json"), "{\"admin_role\": \"admin\"}");
        Files.writeString(dir.resolve("input.json"), "{\"role\": \"admin\"}");
    }

    @Test
    void evalPrintsOpaShapedJson() throws Exception {
        policy();
        Run r = run("eval", "-d", dir.toString(), "-i", dir.resolve("input.json").toString(), "data.p.allow");
        assertThat(r.exit()).isZero();
        var json = Json.MAPPER.readTree(r.out());
        assertThat(json.at("/result/0/expressions/0/value").booleanValue()).isTrue();
        assertThat(json.at("/result/0/expressions/0/text").asText()).isEqualTo("data.p.allow");
    }

    @Test
    void evalUndefinedIsEmptyObjectAndFailFlagGivesExitOne() throws Exception {
        policy();
        Run r = run("eval", "-d", dir.toString(), "--fail", "data.p.allow");
        assertThat(r.out().strip()).isEqualTo("{}");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void evalRawPrintsBindingsAndValues() throws Exception {
        policy();
        Run r = run("eval", "-d", dir.toString(), "-f", "raw", "data.config[k] = v");
        assertThat(r.out().strip()).isEqualTo("{\"k\":\"admin_role\",\"v\":\"admin\"}");
        Run s = run("eval", "-f", "raw", "concat(\"-\", [\"a\", \"b\"])");
        assertThat(s.out().strip()).isEqualTo("a-b");
    }

    @Test
    void compileErrorsGoToStderrWithPositions() throws Exception {
        Files.writeString(dir.resolve("bad.rego"), "package bad\n\np if {\n  x > 1\n}\n");
        Run r = run("eval", "-d", dir.toString(), "data.bad.p");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("bad.rego:4:3: rego_unsafe_var_error: var x is unsafe");
    }

    @Test
    void badDataFileReportsLineAndColumn() throws Exception {
        Files.writeString(dir.resolve("data.json"), "{\n  \"a\": [1, 2,\n}\n");
        Run r = run("eval", "-d", dir.toString(), "data");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).containsPattern("data\\.json:3:\\d+: ");
    }

    @Test
    void ignoredFoldersAreNotLoaded() throws Exception {
        policy();
        Files.createDirectories(dir.resolve("scenarios"));
        Files.writeString(dir.resolve("scenarios/one.json"), "{\"x\": 1}");
        Files.writeString(dir.resolve("scenarios/two.json"), "{\"x\": 2}"); // would collide at data.scenarios.x
        assertThat(run("test", dir.toString()).exit()).isEqualTo(1);
        Run r = run("test", "--ignore", "scenarios", dir.toString());
        assertThat(r.out()).contains("FAIL: 1/2");
        Run e = run("eval", "-d", dir.toString(), "--ignore", "scen*", "-f", "raw", "data.config.admin_role");
        assertThat(e.out().strip()).isEqualTo("admin");
    }

    @Test
    void testReportsFailuresAndExitsTwo() throws Exception {
        policy();
        Run r = run("test", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("data.p.test_guest: FAIL").doesNotContain("data.p.test_admin: PASS")
                .contains("PASS: 1/2").contains("FAIL: 1/2");
        Run v = run("test", "-v", "--run", "admin", dir.toString());
        assertThat(v.exit()).isZero();
        assertThat(v.out()).contains("data.p.test_admin: PASS").contains("PASS: 1/1");
    }
}
