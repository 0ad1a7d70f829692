package io.writ.connector.azure;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.ServiceLoader;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.writ.connector.azure.AzureArmStub.CLIENT_SECRET;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION_ID;
import static io.writ.connector.azure.AzureArmStub.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The factory as the engine uses it: found by ServiceLoader, configured by settings alone. */
class AzureConnectorFactoryTest {
    static ConnectorFactory azureFactory() {
        return ServiceLoader.load(ConnectorFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("azure")).findFirst().orElseThrow();
    }

    @Test
    void serviceLoaderFindsTheAzureFactory() {
        assertThat(azureFactory()).isInstanceOf(AzureConnectorFactory.class);
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> azureFactory().create(Map.of("credential", "client-secret", "client-id", "x")))
                .withMessageContaining("tenant-id");
    }

    @Test
    void theClientSecretReachesEntraAndNoLogNorToString() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.ALL);
        try (AzureArmStub arm = AzureArmStub.start()) {
            Map<String, String> settings = arm.settings();
            settings.put("client-secert", "typo-" + CLIENT_SECRET);
            try (Connector azure = azureFactory().create(settings)) {
                assertThat(azure.toString()).doesNotContain(CLIENT_SECRET).contains("client-secret");
                Action disable = Action.of(Json.object("action", "disable-subscription", "subscription", SUBSCRIPTION_ID));
                Applied applied = azure.apply(disable, "case-1/action-0");
                assertThat(azure.verify(disable, applied).ok()).isTrue();
            }
            // The token came from the stub's Entra, for the configured tenant, with the secret ...
            assertThat(arm.server().findAll(postRequestedFor(urlPathEqualTo("/" + TENANT_ID + "/oauth2/v2.0/token"))
                    .withRequestBody(containing("client_secret=" + CLIENT_SECRET)))).isNotEmpty();
            // ... and ARM saw only the token.
            assertThat(arm.server().findAll(getRequestedFor(urlPathEqualTo(SUBSCRIPTION))
                    .withHeader("Authorization", matching("Bearer stub-arm-token")))).isNotEmpty();
            assertThat(arm.server().findAll(getRequestedFor(urlPathMatching("/subscriptions/.*"))
                    .withHeader("Authorization", containing(CLIENT_SECRET)))).isEmpty();
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
        }
        assertThat(captured.list).as("something was logged at all").isNotEmpty();
        assertThat(captured.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .contains(CLIENT_SECRET));
    }
}
