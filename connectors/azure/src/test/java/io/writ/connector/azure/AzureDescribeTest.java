package io.writ.connector.azure;

import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.ConnectorException.Kind;
import io.writ.connector.TargetDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.writ.connector.azure.AzureArmStub.COGNITIVE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.ROLE_ASSIGNMENT_ID;
import static io.writ.connector.azure.AzureArmStub.STORAGE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION_ID;
import static io.writ.connector.azure.AzureConnectorFailureTest.catchConnectorException;
import static org.assertj.core.api.Assertions.assertThat;

/** describe() says what an action would touch, and refuses, before any request, what it cannot act on. */
class AzureDescribeTest {
    static AzureArmStub arm;
    static Connector azure;

    @BeforeAll
    static void start() {
        arm = AzureArmStub.start();
        azure = new AzureConnector(AzureSettings.from(arm.settings()), AzureConnectorTest.fixedToken());
    }

    @AfterAll
    static void stop() {
        azure.close();
        arm.close();
    }

    @BeforeEach
    void reset() {
        arm.reset();
    }

    static Action action(Object... fields) {
        return Action.of(Json.object(fields));
    }

    static void assertInvalid(Action action, String messagePart) {
        ConnectorException e = catchConnectorException(() -> azure.describe(action));
        assertThat(e.kind()).isEqualTo(Kind.INVALID);
        assertThat(e.getMessage()).contains(messagePart);
        assertThat(arm.server().getAllServeEvents()).as("nothing was sent to ARM").isEmpty();
    }

    @Test
    void describesEachTargetByItsArmId() throws Exception {
        TargetDescription sub = azure.describe(action("action", "disable-subscription", "subscription", SUBSCRIPTION_ID));
        assertThat(sub.provider()).isEqualTo("azure");
        assertThat(sub.id()).isEqualTo(SUBSCRIPTION);
        assertThat(Json.text(sub.details(), "displayName")).isEqualTo("Example subscription");

        TargetDescription deny = azure.describe(action("action", "deny-service", "subscription", SUBSCRIPTION_ID,
                "service", "storage"));
        assertThat(deny.details().get("resourceTypes").get(0).asText()).isEqualTo("Microsoft.Storage/storageAccounts");

        TargetDescription isolate = azure.describe(action("action", "isolate-resource", "resource",
                COGNITIVE_ACCOUNT_ID.replace("/subscriptions/", "/SUBSCRIPTIONS/")));
        assertThat(isolate.id()).isEqualTo(COGNITIVE_ACCOUNT_ID);
        assertThat(Json.text(isolate.details(), "resourceType")).isEqualTo("Microsoft.CognitiveServices/accounts");

        TargetDescription lock = azure.describe(action("action", "lock-resource", "scope",
                SUBSCRIPTION + "/resourceGroups/res9407"));
        assertThat(lock.scope()).isEqualTo("resource-group");

        TargetDescription revoke = azure.describe(action("action", "revoke-access", "subscription", SUBSCRIPTION_ID,
                "assignments", List.of(ROLE_ASSIGNMENT_ID)));
        assertThat(revoke.details().get("roleAssignments").get(0).asText()).isEqualTo(ROLE_ASSIGNMENT_ID);
    }

    @Test
    void notifyIsTheEnginesNotTheConnectors() {
        assertThat(azure.supports()).doesNotContain(ActionKind.NOTIFY);
        assertInvalid(action("action", "notify", "subscription", SUBSCRIPTION_ID), "notify");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/subscriptions/83aa47df-e3e9-49ff-877b-94304bf3d3ad/resourceGroups/res9407/providers/Microsoft.Compute/virtualMachines/vm1",
            "/subscriptions/83aa47df-e3e9-49ff-877b-94304bf3d3ad/resourceGroups/res9407",
            "/subscriptions/83aa47df-e3e9-49ff-877b-94304bf3d3ad/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts",
            "/subscriptions/sub-a/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/sto8596",
            "/subscriptions/83aa47df-e3e9-49ff-877b-94304bf3d3ad/resourceGroups//providers/Microsoft.Storage/storageAccounts/x",
            "sto8596",
            "https://management.azure.com/subscriptions/83aa47df-e3e9-49ff-877b-94304bf3d3ad",
    })
    void isolateRefusesAnythingButAStorageOrCognitiveAccount(String resource) {
        assertInvalid(action("action", "isolate-resource", "resource", resource), resource);
    }

    @Test
    void fieldsAreChecked() {
        assertInvalid(action("action", "disable-subscription"), "\"subscription\"");
        assertInvalid(action("action", "disable-subscription", "subscription", "sub-a"), "GUID");
        assertInvalid(action("action", "deny-service", "subscription", SUBSCRIPTION_ID, "service", "teleportation"),
                "teleportation");
        assertInvalid(action("action", "lock-resource"), "scope");
        assertInvalid(action("action", "lock-resource", "scope", "/subscriptions/x"), "/subscriptions/x");
        assertInvalid(action("action", "revoke-access", "subscription", SUBSCRIPTION_ID), "assignments");
        assertInvalid(action("action", "revoke-access", "subscription", SUBSCRIPTION_ID, "assignments",
                List.of("owner")), "owner");
        assertInvalid(action("action", "revoke-access", "subscription", SUBSCRIPTION_ID, "assignments",
                List.of(ROLE_ASSIGNMENT_ID.replace(SUBSCRIPTION_ID, "00000000-0000-0000-0000-000000000000"))),
                "outside");
        assertInvalid(action("action", "isolate-resource", "resource", STORAGE_ACCOUNT_ID + "/blobServices/default"),
                "blobServices");
    }
}
