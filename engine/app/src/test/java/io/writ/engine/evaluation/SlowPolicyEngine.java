package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test engine that takes its time (so that batches pile up behind a running evaluation) and records the
 * most decisions of one tenant that were ever evaluated at once, and which dossier versions it saw per tenant.
 */
@Singleton
@Primary
@Requires(property = "writ.test.slow-engine", value = "true")
public class SlowPolicyEngine implements PolicyEngine {
    public final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();
    public final AtomicInteger maxConcurrentPerTenant = new AtomicInteger();
    public final AtomicInteger evaluations = new AtomicInteger();
    private final EmbeddedPolicyEngine delegate;

    public SlowPolicyEngine(EmbeddedPolicyEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public Value evaluate(String path, Value input) {
        if (!path.equals(EvaluationController.DECISION)) {
            // other documents (the audit log's mask) are not the decisions this engine watches
            return delegate.evaluate(path, input);
        }
        String tenant = input instanceof ObjectValue o && o.get("tenant") instanceof ObjectValue t
                && t.get("id") instanceof StringValue id ? id.value() : "?";
        AtomicInteger n = running.computeIfAbsent(tenant, k -> new AtomicInteger());
        maxConcurrentPerTenant.accumulateAndGet(n.incrementAndGet(), Math::max);
        evaluations.incrementAndGet();
        try {
            Thread.sleep(50);
            return delegate.evaluate(path, input);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            n.decrementAndGet();
        }
    }

    @Override
    public String revision() {
        return delegate.revision();
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public PolicyStatus status() {
        return delegate.status();
    }
}
