package io.writ.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void readsTheKindAndKeepsTheSpecVerbatim() throws Exception {
        ObjectNode spec = json("{\"action\": \"deny-service\", \"subscription\": \"sub-b\", \"service\": \"translation\"}");
        Action a = Action.of(spec);
        spec.put("service", "changed later");

        assertThat(a.kind()).isEqualTo(ActionKind.DENY_SERVICE);
        assertThat(a.text("service")).contains("translation");
        assertThat(a.text("resource")).isEmpty();
    }

    @Test
    void unknownOrMissingKindsAreRefused() {
        assertThatThrownBy(() -> Action.of(json("{\"action\": \"delete-everything\"}")))
                .hasMessageContaining("delete-everything");
        assertThatThrownBy(() -> Action.of(json("{\"subscription\": \"sub-a\"}")))
                .hasMessageContaining("\"action\"");
    }

    @Test
    void aMissingRequiredFieldIsAnInvalidAction() throws Exception {
        Action a = Action.of(json("{\"action\": \"disable-subscription\", \"subscription\": \" \"}"));
        assertThatThrownBy(() -> a.require("subscription"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.INVALID);
                    assertThat(e.getMessage()).contains("disable-subscription needs a \"subscription\"");
                });
    }

    @Test
    void wireNamesRoundTrip() {
        for (ActionKind k : ActionKind.values()) {
            assertThat(ActionKind.fromWire(k.wire())).contains(k);
        }
        assertThat(ActionKind.fromWire("DISABLE_SUBSCRIPTION")).isEmpty();
    }
}
