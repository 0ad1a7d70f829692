package io.writ.connector.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.http.policy.ArmChallengeAuthenticationPolicy;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentsClient;
import com.azure.resourcemanager.cognitiveservices.CognitiveServicesManager;
import com.azure.resourcemanager.cognitiveservices.fluent.AccountsClient;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluent.ManagementLocksClient;
import com.azure.resourcemanager.resources.fluent.PolicyAssignmentsClient;
import com.azure.resourcemanager.storage.StorageManager;
import com.azure.resourcemanager.storage.fluent.StorageAccountsClient;
import com.azure.resourcemanager.subscription.SubscriptionManager;
import com.azure.resourcemanager.subscription.fluent.SubscriptionOperationsClient;
import com.azure.resourcemanager.subscription.fluent.SubscriptionsClient;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The SDK clients the actions use, all on one HTTP pipeline: the connector's own retry policy (see
 * {@link ArmRetryStrategy}), ARM bearer tokens, and the JDK's HTTP client with the configured timeouts. Clients
 * that are bound to a subscription are made on first use and kept.
 */
final class ArmClients {
    private final HttpPipeline pipeline;
    private final AzureEnvironment environment;
    private final String tenantId;
    private final SubscriptionManager subscriptionManager;
    private final ConcurrentMap<String, ForSubscription> bySubscription = new ConcurrentHashMap<>();

    /** The clients that take a subscription when they are made. */
    record ForSubscription(PolicyAssignmentsClient policyAssignments, ManagementLocksClient locks,
                           RoleAssignmentsClient roleAssignments, StorageAccountsClient storageAccounts,
                           AccountsClient cognitiveAccounts) {
    }

    ArmClients(AzureSettings settings, TokenCredential credential) {
        HttpClient http = httpClient(settings);
        // The public cloud's endpoints with ARM's and Entra's replaced: the SDK reads others (Graph) when it starts.
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", sdkUrl(settings, settings.endpoint()).toString());
        endpoints.put("activeDirectoryEndpointUrl", sdkUrl(settings, settings.authorityHost()).toString());
        this.environment = new AzureEnvironment(endpoints);
        this.tenantId = settings.tenantId();
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(http)
                .policies(new UserAgentPolicy("writ-connector-azure"), new RequestIdPolicy(),
                        new RetryPolicy(new ArmRetryStrategy(settings.maxRetries(), settings.retryDelay(),
                                settings.retryMaxDelay())),
                        new AddDatePolicy(),
                        new ArmChallengeAuthenticationPolicy(credential, settings.tokenScope()))
                .build();
        this.subscriptionManager = SubscriptionManager.authenticate(pipeline, profile(null));
    }

    SubscriptionsClient subscriptions() {
        return subscriptionManager.serviceClient().getSubscriptions();
    }

    SubscriptionOperationsClient subscriptionOperations() {
        return subscriptionManager.serviceClient().getSubscriptionOperations();
    }

    ForSubscription forSubscription(String subscriptionId) {
        return bySubscription.computeIfAbsent(subscriptionId, sub -> {
            AzureProfile profile = profile(sub);
            ResourceManager resources = ResourceManager.authenticate(pipeline, profile).withSubscription(sub);
            return new ForSubscription(
                    resources.policyClient().getPolicyAssignments(),
                    resources.managementLockClient().getManagementLocks(),
                    AuthorizationManager.authenticate(pipeline, profile).roleServiceClient().getRoleAssignments(),
                    StorageManager.authenticate(pipeline, profile).serviceClient().getStorageAccounts(),
                    CognitiveServicesManager.authenticate(pipeline, profile).serviceClient().getAccounts());
        });
    }

    private AzureProfile profile(String subscriptionId) {
        return new AzureProfile(tenantId, subscriptionId, environment);
    }

    /** Builds the credential the settings name; the secret goes to azure-identity and nowhere else. */
    static TokenCredential credential(AzureSettings settings) {
        HttpClient http = httpClient(settings);
        String authority = sdkUrl(settings, settings.authorityHost()).toString();
        return switch (settings.credential()) {
            case CLIENT_SECRET -> {
                var builder = new ClientSecretCredentialBuilder().tenantId(settings.tenantId())
                        .clientId(settings.clientId()).clientSecret(settings.clientSecret())
                        .authorityHost(authority).httpClient(http);
                // Instance discovery asks the public cloud about the authority; a sovereign or local one is unknown there.
                if (!authority.equals(AzureSettings.PUBLIC_AUTHORITY)) {
                    builder.disableInstanceDiscovery();
                }
                yield builder.build();
            }
            case MANAGED_IDENTITY -> {
                var builder = new ManagedIdentityCredentialBuilder().httpClient(http);
                if (settings.clientId() != null) {
                    builder.clientId(settings.clientId());
                }
                yield builder.build();
            }
            case DEFAULT -> {
                var builder = new DefaultAzureCredentialBuilder().authorityHost(authority).httpClient(http);
                if (settings.tenantId() != null) {
                    builder.tenantId(settings.tenantId());
                }
                if (settings.clientId() != null) {
                    builder.managedIdentityClientId(settings.clientId());
                }
                yield builder.build();
            }
        };
    }

    private static HttpClient httpClient(AzureSettings settings) {
        HttpClient jdk = new JdkHttpClientBuilder()
                .connectionTimeout(settings.connectTimeout())
                .responseTimeout(settings.readTimeout())
                .readTimeout(settings.readTimeout())
                .build();
        Set<String> plain = new HashSet<>();
        for (URI uri : new URI[] {settings.endpoint(), settings.authorityHost()}) {
            if (settings.plainLoopback(uri)) {
                plain.add(LoopbackHttpClient.origin(uri));
            }
        }
        return plain.isEmpty() ? jdk : new LoopbackHttpClient(jdk, plain);
    }

    /** The URL the SDK is given: a plain loopback URL in its https form (see {@link LoopbackHttpClient}). */
    private static URI sdkUrl(AzureSettings settings, URI uri) {
        return settings.plainLoopback(uri) ? LoopbackHttpClient.asHttps(uri) : uri;
    }
}
