package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Applied;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.ConnectorFactory;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A provider in memory (or in a file, so that it outlives the service in the restart test), with the behaviour the
 * engine relies on: an apply repeated with the same idempotency key is recognised. It counts every change it makes,
 * per target, which is what the tests check "applied once" against. Subscriptions named {@code flaky-*} fail their
 * first {@code flaky-failures} applies with a 429; {@code forbidden-*} fail with a 403 until {@link #allow} is called;
 * {@code missing-*} do not exist. {@code notify} is not a connector's (the engine's notice carries it out).
 *
 * <p>Settings: {@code state-file} (optional), {@code halt-after-changes} (halts the JVM right after that many changes
 * are saved, before apply returns: the crash the outbox must survive), {@code irreversible-after} (an ISO-8601
 * duration: disable-subscription reports a data-deletion deadline that far ahead), {@code flaky-failures}.
 */
public final class FakeConnector implements Connector {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Registered in META-INF/services; configured as writ.connectors.fake. */
    public static final class Factory implements ConnectorFactory {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Connector create(Map<String, String> settings) {
            return new FakeConnector(settings);
        }
    }

    /** The provider's side: applied targets (target → idempotency key) and counters. */
    public static final class State {
        public Map<String, String> applied = new TreeMap<>();
        public Map<String, Integer> changes = new TreeMap<>();
        public Map<String, Integer> applyCalls = new TreeMap<>();
        public Map<String, Integer> reverts = new TreeMap<>();
        public Set<String> allowed = new java.util.TreeSet<>();
        public int totalChanges;
    }

    private final Path file;
    private final int haltAfter;
    private final int flakyFailures;
    private final Duration irreversibleAfter;
    private State state;

    FakeConnector(Map<String, String> settings) {
        String f = settings.get("state-file");
        this.file = f == null || f.isBlank() ? null : Path.of(f);
        this.haltAfter = Integer.parseInt(settings.getOrDefault("halt-after-changes", "0"));
        this.flakyFailures = Integer.parseInt(settings.getOrDefault("flaky-failures", "2"));
        String irr = settings.get("irreversible-after");
        this.irreversibleAfter = irr == null ? null : Duration.parse(irr);
        this.state = file != null && Files.exists(file) ? read(file) : new State();
    }

    /** The provider's state as saved in a file. */
    public static State read(Path file) {
        try {
            return JSON.readValue(file.toFile(), State.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized State state() {
        return state;
    }

    /** Lets a {@code forbidden-*} subscription be changed from now on (the permission was granted). */
    public synchronized void allow(String subscription) {
        state.allowed.add(subscription);
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Set<ActionKind> supports() {
        return EnumSet.complementOf(EnumSet.of(ActionKind.NOTIFY));
    }

    private static String target(Action a) throws ConnectorException {
        String sub = a.require("subscription");
        return switch (a.kind()) {
            case DISABLE_SUBSCRIPTION -> "subscription/" + sub;
            case DENY_SERVICE -> "subscription/" + sub + "/deny/" + a.require("service");
            default -> "subscription/" + sub + "/" + a.kind().wire() + "/" + a.text("resource").orElse("*");
        };
    }

    @Override
    public synchronized TargetDescription describe(Action action) throws ConnectorException {
        String t = target(action);
        if (action.require("subscription").startsWith("missing-")) {
            throw new ConnectorException(ConnectorException.Kind.FINAL, "SubscriptionNotFound", 404,
                    "The subscription '" + action.require("subscription") + "' could not be found.", null, null);
        }
        ObjectNode details = JSON.createObjectNode().put("state", state.applied.containsKey(t) ? "Disabled" : "Enabled");
        return new TargetDescription("fake", "subscription", t, details);
    }

    @Override
    public synchronized Preview preview(Action action) throws ConnectorException {
        TargetDescription d = describe(action);
        boolean on = state.applied.containsKey(d.id());
        return new Preview(d, JSON.createObjectNode().put("state", on ? "Disabled" : "Enabled"),
                JSON.createObjectNode().put("state", "Disabled"), action.kind().wire() + " " + d.id() + " (now "
                + (on ? "Disabled" : "Enabled") + ")");
    }

    @Override
    public synchronized Applied apply(Action action, String key) throws ConnectorException {
        String t = target(action);
        String sub = action.require("subscription");
        int calls = state.applyCalls.merge(t, 1, Integer::sum);
        save();
        if (sub.startsWith("missing-")) {
            throw new ConnectorException(ConnectorException.Kind.FINAL, "SubscriptionNotFound", 404, "not found: " + sub, null, null);
        }
        if (sub.startsWith("forbidden-") && !state.allowed.contains(sub)) {
            throw new ConnectorException(ConnectorException.Kind.FINAL, "AuthorizationFailed", 403,
                    "The client does not have authorization to perform action on " + sub, null, null);
        }
        if (sub.startsWith("flaky-") && calls <= flakyFailures) {
            throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "TooManyRequests", 429, "throttled",
                    Duration.ofMillis(100), null);
        }
        ObjectNode prior = JSON.createObjectNode().put("state", "Enabled");
        Instant deadline = action.kind() == ActionKind.DISABLE_SUBSCRIPTION && irreversibleAfter != null
                ? Instant.now().plus(irreversibleAfter) : null;
        if (key.equals(state.applied.get(t))) {
            return new Applied(JSON.createObjectNode().put("target", t), prior, true, java.util.Optional.ofNullable(deadline));
        }
        state.applied.put(t, key);
        state.changes.merge(t, 1, Integer::sum);
        state.totalChanges++;
        save();
        if (haltAfter > 0 && state.totalChanges >= haltAfter) {
            // the change is made and saved, the engine has not heard of it: the crash window of the outbox
            System.out.println("HALTED after " + state.totalChanges + " changes");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        return new Applied(JSON.createObjectNode().put("target", t).put("state", "Disabled"), prior, false,
                java.util.Optional.ofNullable(deadline));
    }

    @Override
    public synchronized Verification verify(Action action, Applied applied) throws ConnectorException {
        String t = target(action);
        boolean on = state.applied.containsKey(t);
        return new Verification(on, JSON.createObjectNode().put("state", on ? "Disabled" : "Enabled"), t + " is " + (on ? "Disabled" : "Enabled"));
    }

    @Override
    public synchronized Reverted revert(Action action, Applied applied, String key) throws ConnectorException {
        String t = target(action);
        boolean was = state.applied.remove(t) != null;
        if (was) {
            state.reverts.merge(t, 1, Integer::sum);
        }
        save();
        return new Reverted(applied.prior(), !was);
    }

    @Override
    public synchronized Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        String t = target(action);
        boolean off = !state.applied.containsKey(t);
        return new Verification(off, JSON.createObjectNode().put("state", off ? "Enabled" : "Disabled"), t + " is " + (off ? "Enabled" : "Disabled"));
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
