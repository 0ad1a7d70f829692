package io.writ.connector.azure;

import com.github.tomakehurst.wiremock.http.Fault;
import io.writ.connector.Action;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.ConnectorException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.writ.connector.azure.AzureArmStub.STORAGE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What ARM's failures become: retried within the budget (honouring Retry-After), then TRANSIENT; refusals FINAL
 * with ARM's own code and message. The failing answers are stubbed over the stub's normal ones at a higher priority.
 */
class AzureConnectorFailureTest {
    static final Action DISABLE = Action.of(Json.object("action", "disable-subscription", "subscription", SUBSCRIPTION_ID));
    static final String CANCEL = SUBSCRIPTION + "/providers/Microsoft.Subscription/cancel";
    static AzureArmStub arm;

    @BeforeAll
    static void start() {
        arm = AzureArmStub.start();
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @AfterEach
    void reset() {
        arm.server().resetToDefaultMappings();
        arm.reset();
    }

    static Connector connector(String... overrides) {
        Map<String, String> settings = arm.settings();
        for (int i = 0; i < overrides.length; i += 2) {
            settings.put(overrides[i], overrides[i + 1]);
        }
        return new AzureConnector(AzureSettings.from(settings), AzureConnectorTest.fixedToken());
    }

    static String armError(String code, String message) {
        return Json.object("error", Json.object("code", code, "message", message)).toString();
    }

    static int subscriptionReads() {
        return arm.server().findAll(getRequestedFor(urlPathEqualTo(SUBSCRIPTION))).size();
    }

    @Test
    void throttlingIsWaitedOutForAsLongAsRetryAfterSays() throws Exception {
        arm.server().stubFor(get(urlPathEqualTo(SUBSCRIPTION)).atPriority(1)
                .inScenario("throttle").whenScenarioStateIs(STARTED).willSetStateTo("served")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody(armError("TooManyRequests", "The request is being throttled."))));
        long start = System.nanoTime();
        try (Connector azure = connector("retry-delay", "10ms")) {
            assertThat(Json.text(azure.describe(DISABLE).details(), "state")).isEqualTo("Enabled");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("Retry-After: 1, not the 10 ms back-off")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(subscriptionReads()).isEqualTo(2);
    }

    @Test
    void aRetryAfterBeyondTheBudgetIsHandedToTheEngine() {
        arm.server().stubFor(get(urlPathEqualTo(SUBSCRIPTION)).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")
                        .withHeader("Content-Type", "application/json")
                        .withBody(armError("TooManyRequests", "The request is being throttled."))));
        try (Connector azure = connector()) {
            ConnectorException e = catchConnectorException(() -> azure.apply(DISABLE, "k-429"));
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("TooManyRequests");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
        }
        assertThat(subscriptionReads()).isEqualTo(1);
        assertThat(arm.server().findAll(postRequestedFor(urlPathEqualTo(CANCEL)))).isEmpty();
    }

    @Test
    void serverErrorsAreRetriedUntilTheBudgetIsSpent() {
        arm.server().stubFor(get(urlPathEqualTo(SUBSCRIPTION)).atPriority(1)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(armError("InternalServerError", "Encountered internal server error."))));
        try (Connector azure = connector("max-retries", "3")) {
            ConnectorException e = catchConnectorException(() -> azure.apply(DISABLE, "k-500"));
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.code()).isEqualTo("InternalServerError");
        }
        assertThat(subscriptionReads()).as("the first attempt and 3 retries").isEqualTo(4);
    }

    @Test
    void forbiddenIsFinalWithArmsCodeAndMessageAndNotRetried() {
        String message = "The client 'writ' with object id 'ce2ce14e-85d7-4629-bdbc-454d0519d987' does not have "
                + "authorization to perform action 'Microsoft.Subscription/cancel/action' over scope '" + SUBSCRIPTION
                + "' or the scope is invalid.";
        arm.server().stubFor(post(urlPathEqualTo(CANCEL)).atPriority(1)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody(armError("AuthorizationFailed", message))));
        try (Connector azure = connector()) {
            ConnectorException e = catchConnectorException(() -> azure.apply(DISABLE, "k-403"));
            assertThat(e.kind()).isEqualTo(Kind.FINAL);
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("AuthorizationFailed");
            assertThat(e.getMessage()).contains(message);
        }
        assertThat(arm.server().findAll(postRequestedFor(urlPathEqualTo(CANCEL)))).hasSize(1);
    }

    @Test
    void aMissingResourceIsFinal() {
        String gone = STORAGE_ACCOUNT_ID.replace("sto8596", "gone");
        arm.server().stubFor(get(urlPathEqualTo(gone)).atPriority(1)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody(armError("ResourceNotFound", "The Resource 'Microsoft.Storage/storageAccounts/gone' "
                                + "under resource group 'res9407' was not found."))));
        try (Connector azure = connector()) {
            ConnectorException e = catchConnectorException(() -> azure.apply(
                    Action.of(Json.object("action", "isolate-resource", "resource", gone)), "k-404"));
            assertThat(e.kind()).isEqualTo(Kind.FINAL);
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("ResourceNotFound");
            assertThat(e.getMessage()).contains("storageAccounts/gone");
        }
        assertThat(arm.server().findAll(getRequestedFor(urlPathEqualTo(gone)))).hasSize(1);
    }

    @Test
    void aResponseSlowerThanTheReadTimeoutIsTransientAfterTheBudget() {
        arm.server().stubFor(get(urlPathEqualTo(SUBSCRIPTION)).atPriority(1)
                .willReturn(aResponse().withFixedDelay(1500).withStatus(200)
                        .withHeader("Content-Type", "application/json").withBodyFile("subscription-enabled.json")));
        try (Connector azure = connector("read-timeout", "300ms", "max-retries", "2")) {
            ConnectorException e = catchConnectorException(() -> azure.apply(DISABLE, "k-slow"));
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.status()).isZero();
            assertThat(e.code()).isEqualTo("NoResponse");
        }
        assertThat(subscriptionReads()).isEqualTo(3);
    }

    @Test
    void aResetConnectionIsTransientAfterTheBudget() {
        // On the cancel POST: the JDK's client itself repeats an idempotent GET once on a reset connection, which
        // would double the count without saying anything about the connector's budget.
        arm.server().stubFor(post(urlPathEqualTo(CANCEL)).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        try (Connector azure = connector("max-retries", "3")) {
            ConnectorException e = catchConnectorException(() -> azure.apply(DISABLE, "k-reset"));
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.status()).isZero();
            assertThat(e.code()).isEqualTo("NoResponse");
        }
        assertThat(arm.server().findAll(postRequestedFor(urlPathEqualTo(CANCEL)))).hasSize(4);
    }

    interface Step {
        Object run() throws ConnectorException;
    }

    static ConnectorException catchConnectorException(Step step) {
        return assertThatExceptionOfType(ConnectorException.class).isThrownBy(step::run).actual();
    }
}
