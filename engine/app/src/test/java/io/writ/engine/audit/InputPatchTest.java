package io.writ.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decision inputs as patches: what {@link InputPatch#diff} writes, and that {@link InputPatch#apply} undoes it. */
class InputPatchTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Value v(String json) {
        return Json.parse(json);
    }

    /** diff, then apply to the JSON form: the result is {@code to}, canonically. */
    static ArrayValue roundTrip(String from, String to) {
        ArrayValue ops = InputPatch.diff(v(from), v(to));
        JsonNode rebuilt = InputPatch.apply(v(from).toJson(), ops.toJson());
        assertThat(Jcs.canonicalize(rebuilt)).isEqualTo(Jcs.canonicalize(v(to)));
        return ops;
    }

    @Test
    void aChangedListEntryIsReplacedWholeAndTheRestIsLeftOut() {
        ArrayValue ops = roundTrip("""
                {"tenant": {"id": "t1", "segment": "telecom"},
                 "usage": [{"metric": "gb", "value": 1}, {"metric": "calls", "value": 5}, {"metric": "sms", "value": 7}]}""",
                """
                {"tenant": {"id": "t1", "segment": "telecom"},
                 "usage": [{"metric": "gb", "value": 1}, {"metric": "calls", "value": 6}, {"metric": "sms", "value": 7}]}""");
        assertThat(Jcs.canonicalize(ops)).isEqualTo("[{\"op\":\"replace\",\"path\":\"/usage/1\",\"value\":{\"metric\":\"calls\",\"value\":6}}]");
    }

    @Test
    void membersAndElementsAddedAndRemoved() {
        ArrayValue ops = roundTrip("""
                {"a": 1, "b": {"x": true}, "list": [1, 2, 3, 4], "gone": "yes"}""", """
                {"a": 1, "b": {"x": true, "y": null}, "list": [1, 9], "new": [1]}""");
        assertThat(Jcs.canonicalize(ops)).isEqualTo("[{\"op\":\"add\",\"path\":\"/b/y\",\"value\":null},"
                + "{\"op\":\"remove\",\"path\":\"/gone\"},"
                + "{\"op\":\"replace\",\"path\":\"/list/1\",\"value\":9},{\"op\":\"remove\",\"path\":\"/list/3\"},"
                + "{\"op\":\"remove\",\"path\":\"/list/2\"},{\"op\":\"add\",\"path\":\"/new\",\"value\":[1]}]");
        roundTrip("{\"list\": [1]}", "{\"list\": [1, 2, {\"k\": 3}]}");
    }

    @Test
    void namesWithSlashesAndTildesAreEscaped() {
        ArrayValue ops = roundTrip("{\"a/b\": {\"~c\": 1}}", "{\"a/b\": {\"~c\": 2}}");
        assertThat(Jcs.canonicalize(ops)).contains("\"path\":\"/a~1b/~0c\"");
    }

    @Test
    void equalInputsNeedNoOperationsEvenWhenNotTheSameObjects() {
        String dossier = "{\"usage\": [{\"v\": 1.5}], \"tenant\": {\"id\": \"t\"}}";
        assertThat(InputPatch.diff(v(dossier), v(dossier)).size()).isZero();
        ObjectValue o = (ObjectValue) v(dossier);
        assertThat(InputPatch.diff(o, o).size()).isZero();
    }

    @Test
    void aValueOfAnotherTypeIsReplaced() {
        roundTrip("{\"a\": [1]}", "{\"a\": {\"b\": 1}}");
        roundTrip("[1, 2]", "{\"a\": 1}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{\"op\": \"move\", \"from\": \"/a\", \"path\": \"/b\"}]|not an add, remove or replace",
            "[{\"op\": \"replace\", \"path\": \"/list/-\", \"value\": 1}]|not an index of its array",
            "[{\"op\": \"replace\", \"path\": \"/list/2\", \"value\": 1}]|not an index of its array",
            "[{\"op\": \"add\", \"path\": \"/list/01\", \"value\": 1}]|not an index of its array",
            "[{\"op\": \"remove\", \"path\": \"/missing\"}]|nothing at /missing",
            "[{\"op\": \"add\", \"path\": \"/missing/x\", \"value\": 1}]|no object or array holds",
            "[{\"op\": \"add\", \"path\": \"/a\"}]|has no value",
            "[{\"op\": \"add\", \"path\": \"a\", \"value\": 1}]|not a JSON pointer",
            "{\"op\": \"add\"}|an array of operations"})
    void aPatchThatDoesNotApplyIsRefusedWithWhere(String patch, String why) throws Exception {
        JsonNode doc = JSON.readTree("{\"a\": 1, \"list\": [1, 2]}");
        assertThatThrownBy(() -> InputPatch.apply(doc, JSON.readTree(patch)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
        assertThat(doc.toString()).isEqualTo("{\"a\":1,\"list\":[1,2]}");
    }

    @Test
    void addAtTheEndAndTheDocumentItselfIsNotChanged() throws Exception {
        JsonNode doc = JSON.readTree("{\"list\": [1]}");
        JsonNode out = InputPatch.apply(doc, JSON.readTree(
                "[{\"op\": \"add\", \"path\": \"/list/-\", \"value\": 2}, {\"op\": \"add\", \"path\": \"/list/0\", \"value\": 0}]"));
        assertThat(out.toString()).isEqualTo("{\"list\":[0,1,2]}");
        assertThat(doc.toString()).isEqualTo("{\"list\":[1]}");
    }
}
