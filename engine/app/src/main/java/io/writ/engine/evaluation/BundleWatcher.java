package io.writ.engine.evaluation;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.convert.ConversionService;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Polls the embedded engine's bundle (a directory or a {@code .tar.gz}) every
 * {@code writ.policy.reload-interval} (default 10 s; 0 turns it off) and reloads it when a file's
 * modification time or size changed, or a file came or went. The engine validates the new bundle and
 * keeps the last good one when it is broken. Classpath bundles are not watched: they cannot change.
 *
 * <p>Polling rather than a file-system watch service: it also sees a bundle replaced by a rename or
 * on a mounted volume (a Kubernetes ConfigMap), where watch events are unreliable.
 */
@Context
@Requires(property = PolicyEngineSelection.PROPERTY, value = EmbeddedPolicyEngine.KIND, defaultValue = EmbeddedPolicyEngine.KIND)
public class BundleWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleWatcher.class);

    private final EmbeddedPolicyEngine engine;
    private final Path watched;
    private final ScheduledExecutorService timer;
    private String seen;

    @Inject
    public BundleWatcher(EmbeddedPolicyEngine engine, @Value("${writ.policy.reload-interval:PT10S}") String interval) {
        this(engine, parseInterval(interval));
    }

    /** A watcher that polls every {@code interval}; {@link Duration#ZERO} only checks when {@link #check()} is called. */
    public BundleWatcher(EmbeddedPolicyEngine engine, Duration interval) {
        this.engine = engine;
        this.watched = engine.location().startsWith("classpath:") ? null : Path.of(engine.location());
        // the fingerprint of what the engine loaded at start: only later changes reload it
        this.seen = watched == null ? null : fingerprint(watched);
        if (watched == null || interval.isZero()) {
            this.timer = null;
            LOG.info("policy bundle {} is not watched for changes{}", engine.location(),
                    watched == null ? " (classpath)" : " (writ.policy.reload-interval is 0)");
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "writ-bundle-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("policy bundle {} is checked for changes every {}", engine.location(), interval);
    }

    /**
     * Reloads the bundle when it changed since the last check; returns whether a reload was attempted.
     * A broken change is attempted once: it is retried when it changes again, not on every poll.
     */
    public synchronized boolean check() {
        if (watched == null) {
            return false;
        }
        // taken before the reload: a change written during the reload is seen at the next check
        String now = fingerprint(watched);
        if (Objects.equals(now, seen)) {
            return false;
        }
        seen = now;
        LOG.info("policy bundle {} changed; validating it", engine.location());
        engine.reload();
        return true;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // never let one failed poll cancel the schedule
            LOG.warn("policy bundle {} could not be checked: {}", engine.location(), e.toString());
        }
    }

    /**
     * Paths, sizes, modification times and file keys (inodes) of every file under {@code p}, links followed
     * (a ConfigMap volume swaps a symbolic link); "missing" when it does not exist.
     */
    static String fingerprint(Path p) {
        if (!Files.exists(p)) {
            return "missing";
        }
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
            files.sorted().forEach(f -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        s.append(p.relativize(f)).append('\0').append(a.size()).append('\0')
                                .append(a.lastModifiedTime().toInstant()).append('\0').append(a.fileKey()).append('\n');
                    }
                } catch (IOException e) {
                    s.append(f).append("\0unreadable\n"); // a file vanishing mid-walk is a change too
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e.getMessage();
        }
        return s.toString();
    }

    static Duration parseInterval(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Duration d = ConversionService.SHARED.convert(t, Duration.class).orElseThrow(() ->
                new ConfigurationException("writ.policy.reload-interval '" + text + "' is not a duration (PT10S, 10s, 0)"));
        if (d.isNegative()) {
            throw new ConfigurationException("writ.policy.reload-interval must not be negative: " + text);
        }
        return d;
    }

    @PreDestroy
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
