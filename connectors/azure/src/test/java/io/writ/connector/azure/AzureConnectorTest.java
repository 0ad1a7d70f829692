package io.writ.connector.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Applied;
import io.writ.connector.Connector;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.Verification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.writ.connector.azure.AzureArmStub.COGNITIVE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.ROLE_ASSIGNMENT_ID;
import static io.writ.connector.azure.AzureArmStub.ROLE_ASSIGNMENT_NAME;
import static io.writ.connector.azure.AzureArmStub.STORAGE_ACCOUNT_ID;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION;
import static io.writ.connector.azure.AzureArmStub.SUBSCRIPTION_ID;
import static org.assertj.core.api.Assertions.assertThat;

/** Every action's whole life against the stateful stub: apply, verify, repeat, revert, verify the revert. */
class AzureConnectorTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static AzureArmStub arm;
    static Connector azure;

    @BeforeAll
    static void start() {
        arm = AzureArmStub.start();
        azure = new AzureConnector(AzureSettings.from(arm.settings()), fixedToken(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        azure.close();
        arm.close();
    }

    @AfterEach
    void everyRequestWasOneArmServes() {
        assertThat(arm.server().findAllUnmatchedRequests()).extracting(r -> r.getMethod() + " " + r.getUrl()).isEmpty();
    }

    @BeforeEach
    void reset() {
        arm.reset();
    }

    static TokenCredential fixedToken() {
        return request -> Mono.just(new AccessToken("test-token", OffsetDateTime.now().plusHours(1)));
    }

    static Action action(Object... fields) {
        return Action.of(Json.object(fields));
    }

    static int count(RequestPatternBuilder pattern) {
        return arm.server().findAll(pattern).size();
    }

    /**
     * Requests to a path as ARM reads it: segment names in any case, empty segments skipped. The SDK's resource-level
     * lock URL has {@code resourcegroups} and, for a top-level resource, an empty parent path ({@code Microsoft.Storage//}).
     */
    static long countAsArmReads(String method, String path) {
        String wanted = path.toLowerCase(java.util.Locale.ROOT);
        return arm.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals(method))
                .map(e -> e.getRequest().getUrl().replaceAll("\\?.*", "").replaceAll("/+", "/")
                        .toLowerCase(java.util.Locale.ROOT))
                .filter(wanted::equals).count();
    }

    @Test
    void supportsEveryActionButNotify() {
        assertThat(azure.supports()).containsExactlyInAnyOrder(ActionKind.DISABLE_SUBSCRIPTION, ActionKind.DENY_SERVICE,
                ActionKind.ISOLATE_RESOURCE, ActionKind.LOCK_RESOURCE, ActionKind.REVOKE_ACCESS);
    }

    @Test
    void disableSubscriptionCancelsAndRevertEnables() throws Exception {
        Action a = action("action", "disable-subscription", "subscription", SUBSCRIPTION_ID);
        Preview preview = azure.preview(a);
        assertThat(preview.current().get("state").asText()).isEqualTo("Enabled");
        assertThat(preview.intended().get("state").asText()).isEqualTo("Disabled");
        assertThat(count(postRequestedFor(urlPathMatching(".*/cancel")))).isZero();

        Applied applied = azure.apply(a, "case-7/action-0");
        assertThat(applied.alreadyApplied()).isFalse();
        assertThat(applied.prior().get("state").asText()).isEqualTo("Enabled");
        assertThat(applied.irreversibleAfter()).contains(NOW.plus(Duration.ofDays(90)));
        assertThat(arm.state("subscription")).isEqualTo("Disabled");
        assertThat(azure.verify(a, applied).ok()).isTrue();

        Applied again = azure.apply(a, "case-7/action-0");
        assertThat(again.alreadyApplied()).isTrue();
        assertThat(count(postRequestedFor(urlPathEqualTo(SUBSCRIPTION + "/providers/Microsoft.Subscription/cancel"))))
                .isEqualTo(1);

        Reverted reverted = azure.revert(a, applied, "case-7/action-0/revert");
        assertThat(reverted.alreadyReverted()).isFalse();
        assertThat(arm.state("subscription")).isEqualTo("Started");
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.verify(a, applied).ok()).as("no longer disabled").isFalse();
        assertThat(azure.revert(a, applied, "case-7/action-0/revert").alreadyReverted()).isTrue();
        assertThat(count(postRequestedFor(urlPathEqualTo(SUBSCRIPTION + "/providers/Microsoft.Subscription/enable"))))
                .isEqualTo(1);
    }

    @Test
    void denyServiceAssignsNotAllowedResourceTypesAndRevertDeletesIt() throws Exception {
        Action a = action("action", "deny-service", "subscription", SUBSCRIPTION_ID, "service", "speech-to-text");
        Preview preview = azure.preview(a);
        assertThat(preview.current().get("notAllowedResourceTypes")).isEmpty();
        assertThat(preview.intended().get("notAllowedResourceTypes").get(0).asText())
                .isEqualTo("Microsoft.CognitiveServices/accounts");

        String key = "case-8/action-1";
        String name = ArmAction.nameFor(key);
        Applied applied = azure.apply(a, key);
        assertThat(applied.alreadyApplied()).isFalse();
        assertThat(applied.changed().get("name").asText()).isEqualTo(name);
        String path = SUBSCRIPTION + "/providers/Microsoft.Authorization/policyAssignments/" + name;
        assertThat(count(putRequestedFor(urlPathEqualTo(path))
                .withRequestBody(matchingJsonPath("$.properties.policyDefinitionId",
                        WireMock.containing("6c112d4e-5bc7-47ae-a041-ea2d9dccd749")))
                .withRequestBody(matchingJsonPath("$.properties.parameters.listOfResourceTypesNotAllowed.value[0]",
                        WireMock.equalTo("Microsoft.CognitiveServices/accounts")))
                .withRequestBody(matchingJsonPath("$.properties.metadata.writIdempotencyKey", WireMock.equalTo(key)))))
                .isEqualTo(1);
        assertThat(azure.verify(a, applied).ok()).isTrue();

        assertThat(azure.apply(a, key).alreadyApplied()).isTrue();
        assertThat(count(putRequestedFor(urlPathMatching(".*/policyAssignments/.*")))).isEqualTo(1);

        assertThat(azure.revert(a, applied, key).alreadyReverted()).isFalse();
        assertThat(count(deleteRequestedFor(urlPathEqualTo(path)))).isEqualTo(1);
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.verify(a, applied).ok()).isFalse();
        assertThat(azure.revert(a, applied, key).alreadyReverted()).as("204 on a second delete").isTrue();
    }

    @Test
    void isolateStorageAccountRecordsPriorAndRevertRestoresIt() throws Exception {
        Action a = action("action", "isolate-resource", "resource", STORAGE_ACCOUNT_ID);
        assertThat(azure.describe(a).scope()).isEqualTo("resource");
        Preview preview = azure.preview(a);
        assertThat(preview.current()).isEqualTo(Json.object("publicNetworkAccess", "Enabled",
                "allowSharedKeyAccess", true, "networkAclsDefaultAction", "Allow"));

        Applied applied = azure.apply(a, "case-9/action-0");
        assertThat(applied.alreadyApplied()).isFalse();
        assertThat(applied.prior()).isEqualTo(preview.current());
        assertThat(count(patchRequestedFor(urlPathEqualTo(STORAGE_ACCOUNT_ID))
                .withRequestBody(matchingJsonPath("$.properties.publicNetworkAccess", WireMock.equalTo("Disabled")))
                .withRequestBody(matchingJsonPath("$.properties.allowSharedKeyAccess", WireMock.equalTo("false")))
                .withRequestBody(matchingJsonPath("$.properties.networkAcls.defaultAction", WireMock.equalTo("Deny")))
                .withRequestBody(matchingJsonPath("$.properties.networkAcls.bypass", WireMock.equalTo("AzureServices")))
                .withRequestBody(matchingJsonPath("$.tags.key1", WireMock.equalTo("value1")))
                .withRequestBody(matchingJsonPath("$.tags.writ-isolation-prior",
                        equalToJson(preview.current().toString()))))).isEqualTo(1);
        assertThat(azure.verify(a, applied).ok()).isTrue();

        Applied again = azure.apply(a, "case-9/action-0");
        assertThat(again.alreadyApplied()).isTrue();
        assertThat(again.prior()).as("prior read back from the tag, not the isolated values").isEqualTo(applied.prior());
        assertThat(count(patchRequestedFor(urlPathEqualTo(STORAGE_ACCOUNT_ID)))).isEqualTo(1);

        assertThat(azure.revert(a, applied, "case-9/revert").alreadyReverted()).isFalse();
        assertThat(count(patchRequestedFor(urlPathEqualTo(STORAGE_ACCOUNT_ID))
                .withRequestBody(matchingJsonPath("$.properties.publicNetworkAccess", WireMock.equalTo("Enabled")))
                .withRequestBody(matchingJsonPath("$.properties.allowSharedKeyAccess", WireMock.equalTo("true")))
                .withRequestBody(matchingJsonPath("$.properties.networkAcls.defaultAction", WireMock.equalTo("Allow")))
                .withRequestBody(WireMock.notContaining("writ-isolation")))).isEqualTo(1);
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.revert(a, applied, "case-9/revert").alreadyReverted()).isTrue();
    }

    @Test
    void isolateCognitiveAccountRestoresUnsetValuesAsAzureDefaults() throws Exception {
        Action a = action("action", "isolate-resource", "resource", COGNITIVE_ACCOUNT_ID);
        Applied applied = azure.apply(a, "case-10/action-0");
        assertThat(applied.prior()).isEqualTo(Json.object("publicNetworkAccess", null, "disableLocalAuth", null));
        assertThat(count(patchRequestedFor(urlPathEqualTo(COGNITIVE_ACCOUNT_ID))
                .withRequestBody(matchingJsonPath("$.properties.publicNetworkAccess", WireMock.equalTo("Disabled")))
                .withRequestBody(matchingJsonPath("$.properties.disableLocalAuth", WireMock.equalTo("true")))))
                .isEqualTo(1);
        assertThat(azure.verify(a, applied).ok()).isTrue();
        assertThat(azure.verifyReverted(a, applied).ok()).isFalse();

        Applied again = azure.apply(a, "case-10/action-0");
        assertThat(again.alreadyApplied()).isTrue();
        assertThat(again.prior()).isEqualTo(applied.prior());
        assertThat(count(patchRequestedFor(urlPathEqualTo(COGNITIVE_ACCOUNT_ID)))).isEqualTo(1);

        Reverted reverted = azure.revert(a, applied, "case-10/revert");
        assertThat(reverted.restored()).isEqualTo(Json.object("publicNetworkAccess", "Enabled", "disableLocalAuth", false));
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.verify(a, applied).ok()).isFalse();
    }

    @Test
    void lockResourcePutsReadOnlyLockAndRevertRemovesIt() throws Exception {
        Action a = action("action", "lock-resource", "subscription", SUBSCRIPTION_ID);
        assertThat(azure.preview(a).current().get("locks")).isEmpty();
        String key = "case-11/action-0";
        Applied applied = azure.apply(a, key);
        String path = SUBSCRIPTION + "/providers/Microsoft.Authorization/locks/" + ArmAction.nameFor(key);
        assertThat(applied.alreadyApplied()).isFalse();
        assertThat(applied.changed().get("level").asText()).isEqualTo("ReadOnly");
        assertThat(count(putRequestedFor(urlPathEqualTo(path))
                .withRequestBody(matchingJsonPath("$.properties.level", WireMock.equalTo("ReadOnly")))
                .withRequestBody(matchingJsonPath("$.properties.notes", WireMock.containing(key))))).isEqualTo(1);
        Verification verified = azure.verify(a, applied);
        assertThat(verified.ok()).as(verified.detail()).isTrue();

        assertThat(azure.apply(a, key).alreadyApplied()).isTrue();
        assertThat(count(putRequestedFor(urlPathMatching(".*/locks/.*")))).isEqualTo(1);

        assertThat(azure.revert(a, applied, key).alreadyReverted()).isFalse();
        assertThat(count(deleteRequestedFor(urlPathEqualTo(path)))).isEqualTo(1);
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.revert(a, applied, key).alreadyReverted()).isTrue();
        assertThat(count(deleteRequestedFor(urlPathEqualTo(path)))).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {SUBSCRIPTION + "/resourceGroups/res9407", STORAGE_ACCOUNT_ID})
    void lockResourceWorksAtResourceGroupAndResourceScope(String scope) throws Exception {
        Action a = action("action", "lock-resource", "scope", scope);
        assertThat(azure.preview(a).current().get("locks")).isEmpty();
        String key = "case-13/" + scope;
        String path = scope + "/providers/Microsoft.Authorization/locks/" + ArmAction.nameFor(key);
        Applied applied = azure.apply(a, key);
        assertThat(countAsArmReads("PUT", path)).isEqualTo(1);
        assertThat(azure.verify(a, applied).ok()).isTrue();
        assertThat(azure.revert(a, applied, key).alreadyReverted()).isFalse();
        assertThat(countAsArmReads("DELETE", path)).isEqualTo(1);
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
    }

    @Test
    void revokeAccessDeletesAssignmentsAndRevertRecreatesThemExactly() throws Exception {
        Action a = action("action", "revoke-access", "subscription", SUBSCRIPTION_ID,
                "assignments", List.of(ROLE_ASSIGNMENT_NAME));
        assertThat(azure.preview(a).current().get("roleAssignments")).hasSize(1);

        Applied applied = azure.apply(a, "case-12/action-0");
        assertThat(applied.alreadyApplied()).isFalse();
        ObjectNode prior = (ObjectNode) applied.prior().get("roleAssignments").get(0);
        assertThat(prior.get("principalId").asText()).isEqualTo("ce2ce14e-85d7-4629-bdbc-454d0519d987");
        assertThat(prior.get("roleDefinitionId").asText()).endsWith("0b5fe924-9a61-425c-96af-cfe6e287ca2d");
        assertThat(prior.get("principalType").asText()).isEqualTo("User");
        assertThat(prior.get("scope").asText()).isEqualTo(SUBSCRIPTION);
        assertThat(count(deleteRequestedFor(urlPathEqualTo(ROLE_ASSIGNMENT_ID)))).isEqualTo(1);
        assertThat(azure.verify(a, applied).ok()).isTrue();

        assertThat(azure.apply(a, "case-12/action-0").alreadyApplied()).isTrue();
        assertThat(count(deleteRequestedFor(urlPathEqualTo(ROLE_ASSIGNMENT_ID)))).isEqualTo(1);

        assertThat(azure.revert(a, applied, "case-12/revert").alreadyReverted()).isFalse();
        assertThat(count(putRequestedFor(urlPathEqualTo(ROLE_ASSIGNMENT_ID))
                .withRequestBody(matchingJsonPath("$.properties.principalId",
                        WireMock.equalTo("ce2ce14e-85d7-4629-bdbc-454d0519d987")))
                .withRequestBody(matchingJsonPath("$.properties.principalType", WireMock.equalTo("User")))
                .withRequestBody(matchingJsonPath("$.properties.roleDefinitionId",
                        WireMock.containing("0b5fe924-9a61-425c-96af-cfe6e287ca2d"))))).isEqualTo(1);
        assertThat(azure.verifyReverted(a, applied).ok()).isTrue();
        assertThat(azure.revert(a, applied, "case-12/revert").alreadyReverted()).isTrue();
    }

    @Test
    void revokeAccessRepeatedAfterACrashTakesTheDeletedDefinitionFromThePreviewSoRevertStillRecreatesIt() throws Exception {
        Action a = action("action", "revoke-access", "subscription", SUBSCRIPTION_ID,
                "assignments", List.of(ROLE_ASSIGNMENT_NAME));
        ObjectNode before = azure.preview(a).current();
        azure.apply(a, "case-13/action-0", before); // its answer is lost: the service died before storing it

        Applied blind = azure.apply(a, "case-13/action-0");
        assertThat(blind.prior().get("roleAssignments")).as("without the preview, the deleted one is unknown").isEmpty();

        Applied repeated = azure.apply(a, "case-13/action-0", before);
        assertThat(repeated.alreadyApplied()).isTrue();
        assertThat(repeated.prior().get("roleAssignments")).hasSize(1);
        assertThat(count(deleteRequestedFor(urlPathEqualTo(ROLE_ASSIGNMENT_ID)))).isEqualTo(1);

        assertThat(azure.revert(a, repeated, "case-13/revert").alreadyReverted()).isFalse();
        assertThat(count(putRequestedFor(urlPathEqualTo(ROLE_ASSIGNMENT_ID))
                .withRequestBody(matchingJsonPath("$.properties.principalId",
                        WireMock.equalTo("ce2ce14e-85d7-4629-bdbc-454d0519d987"))))).isEqualTo(1);
        assertThat(azure.verifyReverted(a, repeated).ok()).isTrue();
    }
}
