package io.writ.connector;

import java.util.Map;

/**
 * Creates a connector from configuration. Implementations are listed in
 * {@code META-INF/services/io.writ.connector.ConnectorFactory}; the engine finds them with {@link java.util.ServiceLoader}
 * and creates the ones configured under {@code writ.connectors.<name>.*}, passing that subtree (keys without the
 * prefix, e.g. {@code endpoint}, {@code tenant-id}, {@code client-secret}). A new provider is a new jar on the class
 * path and a configuration block; the engine does not change.
 */
public interface ConnectorFactory {
    /** The name configured under {@code writ.connectors}, e.g. {@code azure}. */
    String name();

    /** Builds the connector; a missing or bad setting is an {@link IllegalArgumentException} naming the key. */
    Connector create(Map<String, String> settings);
}
