package io.writ.engine.evaluation;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * {@code /health} reports the policy engine: for the embedded one the bundle in use and why the last
 * load failed, if it did; for OPA whether the server answers its own health check.
 */
@Singleton
public class PolicyHealth extends AbstractHealthIndicator<Map<String, Object>> {
    private final PolicyEngine engine;

    public PolicyHealth(PolicyEngine engine) {
        this.engine = engine;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        PolicyStatus s = engine.status();
        healthStatus = s.up() ? HealthStatus.UP : HealthStatus.DOWN;
        return s.details();
    }

    @Override
    protected String getName() {
        return "policy";
    }
}
