package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.writ.rego.RegoCompileException;
import io.writ.rego.topdown.EvalOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writ's own Rego engine, in the JVM. Holds the last good bundle: a reload that fails (unreadable,
 * not compiling) is rejected with its reason kept for {@code /health}, and the previous bundle stays.
 */
@Context // loaded at start, so that the log and /health say at once whether the bundle is good
public class EmbeddedPolicyEngine implements PolicyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPolicyEngine.class);

    private final String location;
    private final EvalOptions options;
    private final AtomicReference<PolicyBundle> current = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public EmbeddedPolicyEngine(@Value("${writ.policy.bundle:classpath:writ-bundle}") String location) {
        this(location, null);
    }

    /**
     * {@code writ.policy.now} fixes the policies' clock ({@code time.now_ns}) to an instant: for tests and
     * replays that must decide as of a given day. Unset, the policies read the real clock.
     */
    @io.micronaut.core.annotation.Creator
    public EmbeddedPolicyEngine(@Value("${writ.policy.bundle:classpath:writ-bundle}") String location,
                                @Nullable @Value("${writ.policy.now:}") String now) {
        this.location = location;
        this.options = now == null || now.isBlank() ? EvalOptions.DEFAULT.withStrict(true)
                : EvalOptions.DEFAULT.withStrict(true).withNow(nanos(Instant.parse(now)));
        reload();
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Loads the bundle again; true when the new one is in use. */
    public final boolean reload() {
        try {
            PolicyBundle b = PolicyBundle.load(location);
            current.set(b);
            lastError.set(null);
            LOG.info("policy bundle {} revision '{}' active", b.location(), b.revision());
            return true;
        } catch (PolicyBundle.BundleException | RegoCompileException e) {
            lastError.set(e.getMessage());
            LOG.error("policy bundle {} rejected, {}: {}", location,
                    current.get() == null ? "no bundle is active" : "keeping revision '" + current.get().revision() + "'",
                    e.getMessage());
            return false;
        }
    }

    @Override
    public io.writ.rego.value.Value evaluate(String path, io.writ.rego.value.Value input) {
        PolicyBundle b = current.get();
        if (b == null) {
            throw new IllegalStateException("no policy bundle is loaded: " + lastError.get());
        }
        return b.policy().evaluate(path, input, options);
    }

    @Override
    public String revision() {
        PolicyBundle b = current.get();
        return b == null ? null : b.revision();
    }

    /** Why the last load failed, or null when it succeeded. */
    public String lastError() {
        return lastError.get();
    }
}
