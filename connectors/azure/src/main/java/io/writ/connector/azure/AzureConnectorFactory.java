package io.writ.connector.azure;

import io.writ.connector.Connector;
import io.writ.connector.ConnectorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeSet;

/** Makes the {@code azure} connector from the {@code writ.connectors.azure.*} settings (see {@link AzureSettings}). */
public final class AzureConnectorFactory implements ConnectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(AzureConnectorFactory.class);

    @Override
    public String name() {
        return AzureConnector.NAME;
    }

    @Override
    public Connector create(Map<String, String> settings) {
        AzureSettings parsed = AzureSettings.from(settings);
        TreeSet<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeIf(AzureSettings::known);
        if (!unknown.isEmpty()) {
            // Names only: a mistyped key may hold a secret.
            LOG.warn("ignoring unknown Azure connector settings {}", unknown);
        }
        return new AzureConnector(parsed);
    }
}
