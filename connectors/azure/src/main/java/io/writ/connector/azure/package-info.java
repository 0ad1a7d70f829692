/**
 * The Azure Resource Manager connector: {@link io.writ.connector.azure.AzureConnectorFactory} builds an
 * {@link io.writ.connector.azure.AzureConnector} from settings; each action kind is one package-private class.
 */
package io.writ.connector.azure;
