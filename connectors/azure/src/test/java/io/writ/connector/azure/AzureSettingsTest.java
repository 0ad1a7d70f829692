package io.writ.connector.azure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AzureSettingsTest {
    static Map<String, String> clientSecret() {
        Map<String, String> m = new HashMap<>();
        m.put("credential", "client-secret");
        m.put("tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        m.put("client-id", "7d8c1a5e-0f4b-4f37-9a3e-4a9f6a0c2b11");
        m.put("client-secret", "s3cr3t-value-that-must-not-leak");
        return m;
    }

    @Test
    void defaultsAreThePublicCloudAndAManagedOrDefaultCredential() {
        AzureSettings s = AzureSettings.from(Map.of());
        assertThat(s.endpoint()).hasToString("https://management.azure.com/");
        assertThat(s.credential()).isEqualTo(AzureSettings.CredentialKind.DEFAULT);
        assertThat(s.tokenScope()).isEqualTo("https://management.azure.com/.default");
        assertThat(s.dataRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(s.maxRetries()).isEqualTo(4);
        assertThat(s.serviceTypes().get("translation")).containsExactly("Microsoft.CognitiveServices/accounts");
        assertThat(s.serviceTypes().get("storage")).containsExactly("Microsoft.Storage/storageAccounts");
    }

    @Test
    void readsEveryKey() {
        Map<String, String> m = clientSecret();
        m.put("endpoint", "https://management.usgovcloudapi.net");
        m.put("authority-host", "https://login.microsoftonline.us/");
        m.put("token-scope", "https://management.core.usgovcloudapi.net/.default");
        m.put("connect-timeout", "PT3S");
        m.put("read-timeout", "1500ms");
        m.put("max-retries", "2");
        m.put("retry-delay", "1s");
        m.put("retry-max-delay", "2m");
        m.put("data-retention-days", "30");
        m.put("services.email", "Microsoft.Communication/emailServices");
        m.put("services.satellite", "Microsoft.Orbital/spacecrafts, Microsoft.Orbital/groundStations");
        AzureSettings s = AzureSettings.from(m);
        assertThat(s.endpoint()).hasToString("https://management.usgovcloudapi.net/");
        assertThat(s.tokenScope()).isEqualTo("https://management.core.usgovcloudapi.net/.default");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.maxRetries()).isEqualTo(2);
        assertThat(s.retryMaxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.dataRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(s.serviceTypes().get("email")).containsExactly("Microsoft.Communication/emailServices");
        assertThat(s.serviceTypes().get("satellite"))
                .isEqualTo(List.of("Microsoft.Orbital/spacecrafts", "Microsoft.Orbital/groundStations"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "endpoint|http://management.example.com/",
            "endpoint|ftp://localhost/",
            "endpoint|not a url",
            "authority-host|http://login.example.com/",
            "credential|certificate",
            "read-timeout|soon",
            "connect-timeout|0s",
            "retry-delay|10",
            "max-retries|-1",
            "max-retries|many",
            "data-retention-days|0",
            "services.speech-to-text|not a type",
    })
    void aBadValueNamesItsKey(String key, String value) {
        Map<String, String> m = clientSecret();
        m.put(key, value);
        assertThatIllegalArgumentException().isThrownBy(() -> AzureSettings.from(m)).withMessageContaining(key);
    }

    @ParameterizedTest
    @CsvSource({"tenant-id", "client-id", "client-secret"})
    void clientSecretNeedsTenantClientAndSecret(String key) {
        Map<String, String> m = clientSecret();
        m.remove(key);
        assertThatIllegalArgumentException().isThrownBy(() -> AzureSettings.from(m)).withMessageContaining(key);
    }

    @Test
    void aSecretWithAnotherCredentialIsRefusedRatherThanIgnored() {
        Map<String, String> m = clientSecret();
        m.put("credential", "managed-identity");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureSettings.from(m))
                .withMessageContaining("client-secret");
    }

    @Test
    void plainHttpIsAcceptedOnlyOnLoopback() {
        assertThat(AzureSettings.from(Map.of("endpoint", "http://127.0.0.1:8089")).endpoint())
                .hasToString("http://127.0.0.1:8089/");
        AzureSettings local = AzureSettings.from(Map.of("endpoint", "http://localhost:8089/"));
        assertThat(local.endpoint().getHost()).isEqualTo("localhost");
        assertThat(local.tokenScope()).isEqualTo("http://localhost:8089/.default");
    }

    @Test
    void toStringHidesTheSecret() {
        AzureSettings s = AzureSettings.from(clientSecret());
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("clientSecret=***").contains("client-secret");
    }
}
