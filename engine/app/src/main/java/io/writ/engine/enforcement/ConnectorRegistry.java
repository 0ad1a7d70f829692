package io.writ.engine.enforcement;

import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.naming.conventions.StringConvention;
import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorFactory;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.tenants.DossierStore;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The configured connectors. Factories are found with {@link ServiceLoader}; each one configured under
 * {@code writ.connectors.<name>.*} is created with that subtree as its settings. A factory on the class path but not
 * configured is not created; a configured name without a factory stops the start, as does a bad setting.
 *
 * <p>An action goes to the connector named by the {@code provider} of its subscription in the tenant's newest
 * dossier, else to {@code writ.enforcement.default-connector}; the connector must support the action's kind.
 */
@Singleton
public class ConnectorRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRegistry.class);
    static final String PREFIX = "writ.connectors";

    private final Map<String, Connector> connectors = new LinkedHashMap<>();
    private final DossierStore dossiers;
    private final String defaultConnector;

    public ConnectorRegistry(Environment env, DossierStore dossiers, EnforcementSettings settings) {
        this.dossiers = dossiers;
        this.defaultConnector = settings.defaultConnector() == null ? "" : settings.defaultConnector().strip();
        Map<String, ConnectorFactory> factories = new TreeMap<>();
        for (ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class, ConnectorRegistry.class.getClassLoader())) {
            factories.put(f.name(), f);
        }
        for (String name : env.getPropertyEntries(PREFIX)) {
            ConnectorFactory f = factories.get(name);
            if (f == null) {
                throw new IllegalStateException(PREFIX + "." + name + " is configured but no connector named '" + name
                        + "' is on the class path; connectors found: " + factories.keySet());
            }
            Map<String, String> settingsMap = new TreeMap<>();
            env.getProperties(PREFIX + "." + name, StringConvention.RAW)
                    .forEach((k, v) -> settingsMap.put(k, v == null ? null : String.valueOf(v)));
            connectors.put(name, f.create(settingsMap));
            // the setting names only: values may be secrets
            LOG.info("connector '{}' configured with settings {}", name, settingsMap.keySet());
        }
        if (!defaultConnector.isEmpty() && !connectors.containsKey(defaultConnector)) {
            throw new IllegalStateException("writ.enforcement.default-connector is '" + defaultConnector
                    + "' but only these connectors are configured: " + connectors.keySet());
        }
    }

    /** The configured connector of that name. */
    public Optional<Connector> connector(@Nullable String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(connectors.get(name));
    }

    /**
     * Where an action goes: a connector's name, or none with the reason in words; {@code byNotice} for {@code notify},
     * which no connector carries: the notice Writ issues with the plan is that action.
     */
    public record Route(@Nullable String connector, @Nullable String note, boolean byNotice) {
        Route(@Nullable String connector, @Nullable String note) {
            this(connector, note, false);
        }
    }

    /** Routes one action of a tenant's plan. */
    public Route route(String tenantId, Action action) {
        if (action.kind() == ActionKind.NOTIFY) {
            return new Route(null, "carried out by Writ: the notice to the tenant issued with the plan", true);
        }
        Optional<String> subscription = subscriptionOf(tenantId, action);
        String provider = subscription.flatMap(sub -> providerOf(tenantId, sub)).orElse(null);
        String name = provider != null && connectors.containsKey(provider) ? provider
                : defaultConnector.isEmpty() ? null : defaultConnector;
        if (name == null) {
            return new Route(null, provider != null
                    ? "no connector is configured for provider '" + provider + "' (writ.connectors." + provider + ")"
                    : "the tenant's dossier names no provider for " + subscription.map(sub -> "subscription " + sub)
                    .orElse("this action") + " and no writ.enforcement.default-connector is set");
        }
        Connector c = connectors.get(name);
        if (!c.supports().contains(action.kind())) {
            return new Route(null, "connector '" + name + "' does not support " + action.kind().wire());
        }
        return new Route(name, provider == null || provider.equals(name) ? null
                : "provider '" + provider + "' has no connector; routed to the default connector '" + name + "'");
    }

    /**
     * The action's {@code subscription}, or else the tenant's subscription whose id is a path segment of its
     * {@code resource} or {@code scope} (provider resource ids name their subscription, e.g. ARM's
     * {@code /subscriptions/<id>/resourceGroups/...}).
     */
    private Optional<String> subscriptionOf(String tenantId, Action action) {
        Optional<String> named = action.text("subscription");
        if (named.isPresent()) {
            return named;
        }
        List<String> paths = new ArrayList<>();
        action.text("resource").ifPresent(paths::add);
        action.text("scope").ifPresent(paths::add);
        if (paths.isEmpty()) {
            return Optional.empty();
        }
        return subscriptions(tenantId).keySet().stream()
                .filter(id -> paths.stream().anyMatch(p -> List.of(p.split("/")).contains(id))).findFirst();
    }

    private Optional<String> providerOf(String tenantId, String subscription) {
        return Optional.ofNullable(subscriptions(tenantId).get(subscription));
    }

    /** The tenant's subscriptions that name a provider in its newest dossier: id to provider. */
    private Map<String, String> subscriptions(String tenantId) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<Dossier> d = dossiers.latest(tenantId);
        if (d.isPresent() && d.get().value().get("subscriptions") instanceof ArrayValue subs) {
            for (Value v : subs.items()) {
                if (v instanceof ObjectValue s && s.get("id") instanceof StringValue id && s.get("provider") instanceof StringValue p) {
                    out.put(id.value(), p.value());
                }
            }
        }
        return out;
    }

    @PreDestroy
    void close() {
        connectors.values().forEach(Connector::close);
    }
}
