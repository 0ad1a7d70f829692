package io.writ.engine.ingest;

import io.writ.engine.ingest.SignalValidator.FieldError;
import io.writ.rego.value.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema checks of each signal type, one rule at a time. */
class SignalValidatorTest {

    static List<FieldError> errors(String signal) {
        return SignalValidator.validate(List.of(Json.parse(signal)));
    }

    @Test
    void everyTypeHasAValidExample() {
        String t = "\"tenant_id\": \"t\"";
        assertThat(SignalValidator.validate(SignalParser.parse(("[" + String.join(",",
                "{\"type\": \"tenant\", " + t + ", \"id\": \"t\", \"name\": \"n\", \"segment\": \"government-intelligence\", \"country\": \"XX\"}",
                "{\"type\": \"subscription\", " + t + ", \"id\": \"s\", \"provider\": \"azure\", \"state\": \"suspended\", "
                        + "\"services\": [\"storage\"]}",
                "{\"type\": \"usage\", " + t + ", \"subscription\": \"s\", \"service\": \"storage\", \"metric\": \"stored_bytes\", "
                        + "\"value\": 1.1e16, \"period\": {\"start\": \"2025-07-01T00:00:00Z\", \"end\": \"2025-07-31T00:00:00+02:00\"}, "
                        + "\"dimensions\": {}}",
                "{\"type\": \"classification\", " + t + ", \"subscription\": \"s\", \"category\": \"c\", \"confidence\": 1}",
                "{\"type\": \"population\", " + t + ", \"subscription\": \"s\", \"distinct_subjects\": 0, \"civilian_share\": 0, "
                        + "\"relationship\": \"own-users\"}",
                "{\"type\": \"report\", " + t + ", \"id\": \"r\", \"allegation\": \"csam\", \"credibility\": \"low\", "
                        + "\"corroborated\": false, \"received\": \"2025-08-06T00:00:00.5Z\", \"reporter\": {}}",
                "{\"type\": \"attestation\", " + t + ", \"kind\": \"k\", \"valid_until\": \"2026-01-01T00:00:00Z\", \"scope_subjects\": 40}")
                + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8), false))).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "7|/0|a signal must be a JSON object, not number",
            "{\"type\": \"tenant\", \"tenant_id\": \" \"}|/0/tenant_id|must not be empty",
            "{\"type\": \"tenant\", \"tenant_id\": \"t\", \"id\": \"u\"}|/0/id|must equal tenant_id when given",
            "{\"type\": \"tenant\", \"tenant_id\": \"t\", \"segment\": \"pirates\"}|/0/segment|'pirates' is not one of consumer, education, enterprise",
            "{\"type\": 3, \"tenant_id\": \"t\"}|/0/type|must be a string, not number",
            "{\"type\": \"subscription\", \"tenant_id\": \"t\", \"id\": \"s\", \"services\": [\"a\", 1]}|/0/services/1|must be a string, not number",
            "{\"type\": \"subscription\", \"tenant_id\": \"t\", \"id\": \"s\", \"state\": \"gone\"}|/0/state|'gone' is not one of active, disabled, suspended",
            "{\"type\": \"usage\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"service\": \"x\", \"metric\": \"m\", \"value\": 1, \"period\": {\"start\": \"2025-07-01T00:00:00Z\"}}|/0/period/end|is required",
            "{\"type\": \"usage\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"service\": \"x\", \"metric\": \"m\", \"value\": 1, \"period\": {\"start\": \"2025-07-01\", \"end\": \"2025-07-02T00:00:00Z\"}}|/0/period/start|must be an ISO-8601 timestamp",
            "{\"type\": \"usage\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"service\": \"x\", \"metric\": \"m\", \"value\": 1, \"period\": {\"start\": \"2025-07-01T00:00:00Z\", \"end\": \"2025-07-01T00:00:00Z\"}}|/0/period|start must be before end",
            "{\"type\": \"usage\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"service\": \"x\", \"metric\": \"m\", \"value\": \"1\", \"period\": {\"start\": \"2025-07-01T00:00:00Z\", \"end\": \"2025-07-02T00:00:00Z\"}}|/0/value|must be a number, not string",
            "{\"type\": \"classification\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"category\": \"c\", \"confidence\": -0.1}|/0/confidence|must be between 0 and 1",
            "{\"type\": \"population\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"distinct_subjects\": 2.5}|/0/distinct_subjects|must be a whole number",
            "{\"type\": \"population\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"distinct_subjects\": -3}|/0/distinct_subjects|must not be negative",
            "{\"type\": \"population\", \"tenant_id\": \"t\", \"subscription\": \"s\", \"distinct_subjects\": 3, \"civilian_share\": 1.01}|/0/civilian_share|must be between 0 and 1",
            "{\"type\": \"report\", \"tenant_id\": \"t\", \"id\": \"r\"}|/0/allegation|is required for a report signal",
            "{\"type\": \"report\", \"tenant_id\": \"t\", \"id\": \"r\", \"allegation\": \"spam\", \"credibility\": \"certain\"}|/0/credibility|'certain' is not one of high, low, medium",
            "{\"type\": \"report\", \"tenant_id\": \"t\", \"id\": \"r\", \"allegation\": \"spam\", \"corroborated\": \"yes\"}|/0/corroborated|must be a boolean, not string",
            "{\"type\": \"report\", \"tenant_id\": \"t\", \"id\": \"r\", \"allegation\": \"spam\", \"reporter\": \"Jane Roe\"}|/0/reporter|must be an object, not string",
            "{\"type\": \"attestation\", \"tenant_id\": \"t\", \"kind\": \"k\", \"valid_until\": 2026}|/0/valid_until|must be an ISO-8601 timestamp string, not number",
            "{\"type\": \"attestation\", \"tenant_id\": \"t\", \"kind\": \"k\", \"scope_subjects\": null}|/0/scope_subjects|must be a number, not null",
            "{\"type\": \"attestation\", \"tenant_id\": \"t\", \"kind\": \"k\", \"scope_subjects\": 1e400}|/0/scope_subjects|is beyond the range of a double",
            "{\"type\": \"tenant\", \"tenant_id\": \"t\", \"extra\": {\"a/b\": [0, -2E+308]}}|/0/extra/a~1b/1|is beyond the range of a double",
    })
    void eachRuleNamesTheFieldAndTheProblem(String signal, String pointer, String detail) {
        List<FieldError> e = errors(signal);
        assertThat(e).hasSize(1);
        assertThat(e.getFirst().pointer()).isEqualTo(pointer);
        assertThat(e.getFirst().detail()).startsWith(detail);
        assertThat(e.getFirst().detail()).doesNotContain("Jane Roe");
    }

    @Test
    void aSignalIsAtMost64KiBOfJson() {
        String pad = "x".repeat(SignalValidator.MAX_SIGNAL_CHARS);
        List<FieldError> e = errors("{\"type\": \"tenant\", \"tenant_id\": \"t\", \"name\": \"" + pad + "\"}");
        assertThat(e).singleElement().satisfies(f -> {
            assertThat(f.pointer()).isEqualTo("/0");
            assertThat(f.detail()).startsWith("is 65579 characters of JSON; a signal holds metadata and is at most 65536");
        });
        String fits = "x".repeat(SignalValidator.MAX_SIGNAL_CHARS - 50);
        assertThat(errors("{\"type\": \"tenant\", \"tenant_id\": \"t\", \"name\": \"" + fits + "\"}")).isEmpty();
    }

    /** The direct reader of common timestamps agrees with DateTimeFormatter on every text it reads, and its errors. */
    @Test
    void commonTimestampsReadAsTheIsoFormatterReadsThem() {
        List<String> texts = new java.util.ArrayList<>(List.of(
                "2025-07-01T00:00:00Z", "2025-07-01T23:59:59.999999999Z", "2025-07-01T12:00:00.5+02:00",
                "2025-07-01T12:00:00-00:00", "2025-07-01T12:00:00+18:00", "2025-07-01T12:00:00+18:01",
                "2025-07-01T12:00:00+19:00", "2025-07-01T12:00:00+05:60", "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z", "2025-07-01T24:00:00Z", "2025-07-01T12:60:00Z", "2025-07-01T12:00:60Z",
                "0000-01-01T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-07-01t00:00:00z",
                "2025-07-01T00:00Z", "2025-07-01T00:00:00", "2025-07-01T00:00:00.Z", "2025-07-01T00:00:00.1234567890Z",
                "2025-07-01T00:00:00Zjunk", "2025-07-01T00:00:00+0200", "2025-07-01T00:00:00+02:00:30", "2025-7-01T00:00:00Z",
                "2025-07-01 00:00:00Z", "+12025-07-01T00:00:00Z", "2025-07-01T00:00:00+02"));
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", r.nextInt(10000), r.nextInt(14), r.nextInt(33),
                    r.nextInt(26), r.nextInt(62), r.nextInt(62), r.nextBoolean() ? "" : "." + r.nextInt(1_000_000),
                    r.nextBoolean() ? "Z" : String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(20), r.nextInt(61))));
        }
        int read = 0;
        for (String t : texts) {
            java.time.OffsetDateTime iso;
            try {
                iso = java.time.OffsetDateTime.parse(t, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } catch (java.time.DateTimeException e) {
                iso = null;
            }
            java.time.OffsetDateTime quick;
            try {
                quick = SignalValidator.commonTimestamp(t);
            } catch (java.time.DateTimeException e) {
                assertThat(iso).as("%s is refused by the direct reader, so by the formatter", t).isNull();
                continue;
            }
            if (quick != null) {
                read++;
                assertThat(quick).as(t).isEqualTo(iso);
            }
        }
        assertThat(read).as("most of the texts have the common shape").isGreaterThan(300);
    }
}
