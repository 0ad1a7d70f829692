package io.writ.engine.evaluation;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code writ.policy.engine} makes exactly one PolicyEngine, and an unknown value stops the start. */
class PolicyEngineSelectionTest {

    private static ApplicationContext start(Map<String, Object> props) {
        return ApplicationContext.builder().environments("test").properties(props).start();
    }

    @Test
    void embeddedByDefault() {
        try (ApplicationContext ctx = start(Map.of())) {
            assertThat(ctx.getBeansOfType(PolicyEngine.class)).singleElement().isInstanceOf(EmbeddedPolicyEngine.class);
            assertThat(ctx.getBean(PolicyEngine.class).revision()).isEqualTo("test-1");
            assertThat(ctx.containsBean(OpaPolicyEngine.class)).isFalse();
        }
    }

    @Test
    void opaWhenAsked() {
        try (ApplicationContext ctx = start(Map.of("writ.policy.engine", "opa", "writ.policy.opa.url", "http://127.0.0.1:1"))) {
            assertThat(ctx.getBeansOfType(PolicyEngine.class)).singleElement().isInstanceOf(OpaPolicyEngine.class);
            assertThat(ctx.getBean(PolicyEngine.class).kind()).isEqualTo("opa");
        }
    }

    @Test
    void unknownEngineOrMissingUrlStopsTheStart() {
        assertThatThrownBy(() -> start(Map.of("writ.policy.engine", "wasm")).close())
                .rootCause().hasMessageContaining("writ.policy.engine is 'wasm'; it must be 'embedded' or 'opa'");
        assertThatThrownBy(() -> start(Map.of("writ.policy.engine", "opa")).close())
                .hasStackTraceContaining("writ.policy.engine=opa needs writ.policy.opa.url");
    }
}
