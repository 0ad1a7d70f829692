package io.writ.connector.azure;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import java.util.LinkedHashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A local, stateful stand-in for Azure Resource Manager (and Entra's token endpoint) serving one subscription, for
 * tests of the Azure connector and of the engine's enforcement end to end. Its WireMock scenarios remember what was
 * done: after a cancel the subscription reads {@code Disabled}, after a PUT the policy assignment or lock exists,
 * after a PATCH the storage account reads isolated, and the reverse operations put each back.
 *
 * <p>Use from another module: depend on {@code io.writ:writ-connector-azure} with {@code <type>test-jar</type>} and
 * {@code <scope>test</scope>} (plus {@code org.wiremock:wiremock-standalone} in test scope), then
 * <pre>{@code
 * try (AzureArmStub arm = AzureArmStub.start()) {
 *     Connector azure = new AzureConnectorFactory().create(arm.settings());   // or writ.connectors.azure.* = arm.settings()
 *     // actions on AzureArmStub.SUBSCRIPTION_ID, STORAGE_ACCOUNT_ID, COGNITIVE_ACCOUNT_ID, ROLE_ASSIGNMENT_NAME
 *     arm.reset();   // back to the initial state between tests
 * }
 * }</pre>
 * What it serves: {@code disable-subscription} of {@link #SUBSCRIPTION_ID}; {@code deny-service} of a Cognitive
 * Services service ({@code speech-to-text}, {@code translation}, …) in it; {@code isolate-resource} of
 * {@link #STORAGE_ACCOUNT_ID} or {@link #COGNITIVE_ACCOUNT_ID}; {@code lock-resource} of the subscription or anything
 * in it; {@code revoke-access} of {@link #ROLE_ASSIGNMENT_NAME}. The stub files under {@code azure-arm-stub/} on the
 * test class path are built from the request and response shapes of Azure's published REST API examples.
 * {@link #server()} gives the WireMock server for extra stubs and for reading its request journal;
 * {@link #state(String)} tells what the stub's ARM now holds, by scenario: {@code subscription} ({@code Started} =
 * Enabled, {@code Disabled}), {@code policy-assignment} ({@code Started}, {@code Assigned}), {@code lock}
 * ({@code Started}, {@code Locked}), {@code role-assignment} ({@code Started}, {@code Revoked}),
 * {@code storage-account} ({@code Started}, {@code Isolated}) and {@code cognitive-account} ({@code Started},
 * {@code Isolated}, {@code Restored}).
 */
public final class AzureArmStub implements AutoCloseable {
    public static final String SUBSCRIPTION_ID = "83aa47df-e3e9-49ff-877b-94304bf3d3ad";
    public static final String SUBSCRIPTION = "/subscriptions/" + SUBSCRIPTION_ID;
    public static final String RESOURCE_GROUP = "res9407";
    public static final String STORAGE_ACCOUNT_ID =
            SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP + "/providers/Microsoft.Storage/storageAccounts/sto8596";
    public static final String COGNITIVE_ACCOUNT_ID =
            SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP + "/providers/Microsoft.CognitiveServices/accounts/myAccount";
    public static final String ROLE_ASSIGNMENT_NAME = "b0f43c54-e787-4862-89b1-a653fa9cf747";
    public static final String ROLE_ASSIGNMENT_ID =
            SUBSCRIPTION + "/providers/Microsoft.Authorization/roleAssignments/" + ROLE_ASSIGNMENT_NAME;
    public static final String TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public static final String CLIENT_ID = "7d8c1a5e-0f4b-4f37-9a3e-4a9f6a0c2b11";
    /** Not a real secret: the stub's token endpoint accepts anything. */
    public static final String CLIENT_SECRET = "stub-client-secret-9f2c";

    private final WireMockServer server;

    private AzureArmStub(WireMockServer server) {
        this.server = server;
    }

    /** Starts the stub on a free port of this machine. */
    public static AzureArmStub start() {
        WireMockServer server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .containerThreads(10)
                .usingFilesUnderClasspath("azure-arm-stub"));
        server.start();
        return new AzureArmStub(server);
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /**
     * Connector settings that point at this stub with a client-secret credential (tokens from the stub), and short
     * timeouts and back-off so that failure tests stay fast.
     */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("endpoint", baseUrl());
        s.put("credential", "client-secret");
        s.put("authority-host", baseUrl());
        s.put("tenant-id", TENANT_ID);
        s.put("client-id", CLIENT_ID);
        s.put("client-secret", CLIENT_SECRET);
        s.put("connect-timeout", "2s");
        s.put("read-timeout", "2s");
        s.put("max-retries", "3");
        s.put("retry-delay", "10ms");
        s.put("retry-max-delay", "2s");
        return s;
    }

    public WireMockServer server() {
        return server;
    }

    /** The current state of one of the stub's scenarios (see the class comment). */
    public String state(String scenario) {
        return server.getAllScenarios().getScenarios().stream().filter(s -> s.getName().equals(scenario)).findFirst()
                .map(Scenario::getState)
                .orElseThrow(() -> new IllegalArgumentException("no scenario '" + scenario + "' in the stub"));
    }

    /** Every scenario back to its first state, the request journal emptied, extra stubs kept. */
    public void reset() {
        server.resetScenarios();
        server.resetRequests();
    }

    @Override
    public void close() {
        server.stop();
    }
}
