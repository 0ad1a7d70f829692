/**
 * The connector SPI: how Writ's enforcement reaches a cloud provider. See {@link io.writ.connector.Connector}.
 */
package io.writ.connector;
