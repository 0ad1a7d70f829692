package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.writ.engine.ops.Metrics;
import io.writ.rego.RegoCompileException;
import io.writ.rego.topdown.EvalOptions;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writ's own Rego engine, in the JVM. Holds the last good bundle: a reload that fails (unreadable,
 * not compiling) is rejected with its reason kept for {@code /health}, and the previous bundle stays.
 * {@link BundleWatcher} calls {@link #reload()} when the bundle's files change.
 */
@Context // loaded at start, so that the log and /health say at once whether the bundle is good
@Requires(property = PolicyEngineSelection.PROPERTY, value = EmbeddedPolicyEngine.KIND, defaultValue = EmbeddedPolicyEngine.KIND)
public class EmbeddedPolicyEngine implements PolicyEngine {
    public static final String KIND = "embedded";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPolicyEngine.class);

    private final String location;
    private final EvalOptions options;
    private final Metrics metrics;
    private final AtomicReference<PolicyBundle> current = new AtomicReference<>();
    private volatile Instant loadedAt;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile ActivationGate gate;

    /** Sees every bundle before it becomes active, and can refuse it by throwing (the audit log records it). */
    @FunctionalInterface
    public interface ActivationGate {
        void activating(PolicyBundle next, @Nullable PolicyBundle previous);
    }

    /**
     * {@code writ.policy.now} fixes the policies' clock ({@code time.now_ns}) to an instant: for tests and
     * replays that must decide as of a given day. Unset, the policies read the real clock.
     */
    @Inject
    public EmbeddedPolicyEngine(@Value("${writ.policy.bundle:classpath:writ-bundle}") String location,
                                @Nullable @Value("${writ.policy.now:}") String now,
                                Metrics metrics) {
        this.location = location;
        this.options = now == null || now.isBlank() ? EvalOptions.DEFAULT.withStrict(true)
                : EvalOptions.DEFAULT.withStrict(true).withNow(nanos(Instant.parse(now)));
        this.metrics = metrics;
        reload();
    }

    /** An engine outside the application context (tests, tools): its meters go nowhere. */
    public EmbeddedPolicyEngine(String location, String now) {
        this(location, now, Metrics.detached());
    }

    /** An engine outside the application context, on the real clock. */
    public EmbeddedPolicyEngine(String location) {
        this(location, null);
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Loads the bundle again; true when the new one is in use. */
    public final synchronized boolean reload() {
        try {
            PolicyBundle b = PolicyBundle.load(location);
            ActivationGate g = gate;
            if (g != null) {
                try {
                    g.activating(b, current.get());
                } catch (RuntimeException e) {
                    throw new PolicyBundle.BundleException(location + ": revision '" + b.revision()
                            + "' not activated, its activation could not be recorded: " + e.getMessage());
                }
            }
            current.set(b);
            loadedAt = Instant.now();
            lastError = null;
            lastErrorAt = null;
            LOG.info("policy bundle {} revision '{}' active", b.location(), b.revision());
            return true;
        } catch (PolicyBundle.BundleException | RegoCompileException | UncheckedIOException e) {
            // UncheckedIOException: a file vanished or became unreadable while being read (a deployment in
            // progress); like a broken bundle it must not replace the good one
            lastError = e.getMessage();
            lastErrorAt = Instant.now();
            PolicyBundle kept = current.get();
            LOG.error("policy bundle {} rejected, {}: {}", location,
                    kept == null ? "no bundle is active" : "keeping revision '" + kept.revision() + "'", e.getMessage());
            return false;
        }
    }

    /**
     * Installs the gate every later reload passes through. The bundle active now passes through it at once, as
     * its activation at start; when the gate refuses it, so does this call.
     */
    public synchronized void gate(ActivationGate g) {
        PolicyBundle b = current.get();
        if (b != null) {
            g.activating(b, null);
        }
        this.gate = g;
    }

    @Override
    public io.writ.rego.value.Value evaluate(String path, io.writ.rego.value.Value input) {
        PolicyBundle b = current.get();
        if (b == null) {
            throw new IllegalStateException("no policy bundle is loaded: " + lastError);
        }
        return metrics.evaluation(KIND, () -> b.policy().evaluate(path, input, options));
    }

    @Override
    public String revision() {
        PolicyBundle b = current.get();
        return b == null ? null : b.revision();
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Where the bundle is read from: {@code classpath:...}, a directory or a {@code .tar.gz} file. */
    public String location() {
        return location;
    }

    /** Why the last load failed, or null when it succeeded. */
    public String lastError() {
        return lastError;
    }

    @Override
    public PolicyStatus status() {
        Map<String, Object> d = new LinkedHashMap<>();
        String revision = revision();
        d.put("engine", KIND);
        d.put("bundle", location);
        d.put("revision", revision == null ? "none" : revision);
        if (loadedAt != null) {
            d.put("loaded_at", loadedAt.toString());
        }
        if (lastError != null) {
            // the active revision (if any) keeps answering; this says why the newer one was refused
            d.put("last_error", lastError);
            d.put("last_error_at", lastErrorAt.toString());
        }
        return new PolicyStatus(revision != null, d);
    }
}
