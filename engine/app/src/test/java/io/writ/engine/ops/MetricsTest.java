package io.writ.engine.ops;

import io.micronaut.context.ApplicationContext;
import io.writ.engine.evaluation.PolicyEngine;
import io.writ.rego.value.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The facade's evaluation outcomes, and a service that runs with metrics turned off. */
class MetricsTest {

    private static long count(Metrics m, String outcome) {
        var c = m.registry().find("writ.evaluations").tags("engine", "e", "outcome", outcome).counter();
        return c == null ? 0 : (long) c.count();
    }

    @Test
    void outcomesAreDecidedUndefinedOrError() {
        Metrics m = Metrics.detached();
        assertThat(m.<String>evaluation("e", () -> "x")).isEqualTo("x");
        assertThat(m.<String>evaluation("e", () -> null)).isNull();
        assertThatThrownBy(() -> m.evaluation("e", () -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(count(m, Metrics.DECIDED)).isEqualTo(1);
        assertThat(count(m, Metrics.UNDEFINED)).isEqualTo(1);
        assertThat(count(m, Metrics.ERROR)).isEqualTo(1);
        assertThat(m.registry().find("writ.evaluation.duration").tags("engine", "e").timers())
                .hasSize(3).allMatch(t -> t.count() == 1);
    }

    @Test
    void serviceRunsWithMetricsTurnedOff() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments("test")
                .properties(Map.of("micronaut.metrics.enabled", false)).start()) {
            assertThat(ctx.getBean(PolicyEngine.class).evaluate("writ/aup/decision", Json.parse("{}"))).isNotNull();
            ctx.getBean(Metrics.class).signalsAccepted(1);
        }
    }
}
