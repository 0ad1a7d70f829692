package io.writ.engine.evaluation;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health} reports the bundle in use and why the last load failed, if it did. */
@Singleton
public class PolicyHealth extends AbstractHealthIndicator<Map<String, Object>> {
    private final EmbeddedPolicyEngine engine;

    public PolicyHealth(EmbeddedPolicyEngine engine) {
        this.engine = engine;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> d = new LinkedHashMap<>();
        String revision = engine.revision();
        healthStatus = revision == null ? HealthStatus.DOWN : HealthStatus.UP;
        d.put("revision", revision == null ? "none" : revision);
        if (engine.lastError() != null) {
            d.put("last_error", engine.lastError());
        }
        return d;
    }

    @Override
    protected String getName() {
        return "policy";
    }
}
