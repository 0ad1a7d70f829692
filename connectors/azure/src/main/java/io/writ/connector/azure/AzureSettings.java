package io.writ.connector.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The Azure connector's configuration, read from the {@code writ.connectors.azure.*} settings. Every bad or missing
 * value is an {@link IllegalArgumentException} naming its key. {@link #toString()} never shows the client secret.
 *
 * @param endpoint          ARM's base URL; plain {@code http} only on a loopback host (a local stub)
 * @param credential        how to obtain tokens
 * @param tenantId          Entra tenant (required for {@code client-secret})
 * @param clientId          application or user-assigned identity client id
 * @param clientSecret      the application's secret (only for {@code client-secret})
 * @param authorityHost     Entra's base URL; plain {@code http} only on a loopback host
 * @param tokenScope        the scope asked for ARM tokens
 * @param connectTimeout    TCP connect timeout
 * @param readTimeout       how long to wait for a response
 * @param maxRetries        retries after the first attempt on 408, 429, 5xx, timeouts and reset connections
 * @param retryDelay        the first back-off delay, doubled on each retry
 * @param retryMaxDelay     the longest single wait; a longer Retry-After ends the attempt (TRANSIENT, retry-after set)
 * @param dataRetention     how long Azure keeps a cancelled subscription's data
 * @param serviceTypes      Writ service name → the ARM resource types that {@code deny-service} forbids
 */
public record AzureSettings(URI endpoint, CredentialKind credential, String tenantId, String clientId,
                            String clientSecret, URI authorityHost, String tokenScope, Duration connectTimeout,
                            Duration readTimeout, int maxRetries, Duration retryDelay, Duration retryMaxDelay,
                            Duration dataRetention, Map<String, List<String>> serviceTypes) {

    /** The ways of obtaining an ARM token that {@code credential} names. */
    public enum CredentialKind {
        CLIENT_SECRET("client-secret"), MANAGED_IDENTITY("managed-identity"), DEFAULT("default");

        private final String wire;

        CredentialKind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static final String PUBLIC_ENDPOINT = "https://management.azure.com/";
    public static final String PUBLIC_AUTHORITY = "https://login.microsoftonline.com/";
    private static final String SERVICE_PREFIX = "services.";
    private static final Set<String> KEYS = Set.of("endpoint", "credential", "tenant-id", "client-id", "client-secret",
            "authority-host", "token-scope", "connect-timeout", "read-timeout", "max-retries", "retry-delay",
            "retry-max-delay", "data-retention-days");

    /**
     * Writ's service names and the resource types that offer them. The Cognitive Services ones share one resource
     * type (the account's {@code kind} tells them apart, which "Not allowed resource types" cannot see).
     */
    public static final Map<String, List<String>> DEFAULT_SERVICE_TYPES = defaultServiceTypes();

    public AzureSettings {
        serviceTypes = Map.copyOf(serviceTypes);
    }

    /** Reads and checks the settings map; see the module README for the keys. */
    public static AzureSettings from(Map<String, String> settings) {
        Reader r = new Reader(settings);
        URI endpoint = r.url("endpoint", PUBLIC_ENDPOINT);
        CredentialKind credential = r.choice("credential", "default", CredentialKind.values(), CredentialKind::wire);
        String tenantId = r.text("tenant-id");
        String clientId = r.text("client-id");
        String clientSecret = r.text("client-secret");
        if (credential == CredentialKind.CLIENT_SECRET) {
            r.required("tenant-id", tenantId);
            r.required("client-id", clientId);
            r.required("client-secret", clientSecret);
        } else if (clientSecret != null) {
            throw new IllegalArgumentException("client-secret is only used with credential=client-secret");
        }
        URI authority = r.url("authority-host", PUBLIC_AUTHORITY);
        String scope = settings.getOrDefault("token-scope", defaultScope(endpoint));
        return new AzureSettings(endpoint, credential, tenantId, clientId, clientSecret, authority, scope,
                r.duration("connect-timeout", "10s"), r.duration("read-timeout", "60s"),
                r.integer("max-retries", 4, 0, 10), r.duration("retry-delay", "800ms"),
                r.duration("retry-max-delay", "30s"), Duration.ofDays(r.integer("data-retention-days", 90, 1, 3650)),
                serviceTypes(settings));
    }

    /** Whether {@code endpoint} or {@code authority-host} is a plain-http loopback stub. */
    boolean plainLoopback(URI uri) {
        return "http".equals(uri.getScheme());
    }

    /** Setting keys this connector reads; others are ignored (the engine may pass its own). */
    static boolean known(String key) {
        return KEYS.contains(key) || key.startsWith(SERVICE_PREFIX);
    }

    @Override
    public String toString() {
        return "AzureSettings[endpoint=" + endpoint + ", credential=" + credential.wire() + ", tenantId=" + tenantId
                + ", clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? "none" : "***")
                + ", authorityHost=" + authorityHost + ", connectTimeout=" + connectTimeout + ", readTimeout="
                + readTimeout + ", maxRetries=" + maxRetries + ", retryDelay=" + retryDelay + ", retryMaxDelay="
                + retryMaxDelay + ", dataRetention=" + dataRetention + "]";
    }

    /** Right for the public cloud and for stubs; sovereign clouds have another audience and set token-scope. */
    private static String defaultScope(URI endpoint) {
        return endpoint + ".default";
    }

    private static Map<String, List<String>> defaultServiceTypes() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String cognitive : List.of("speech-to-text", "text-to-speech", "translation", "face", "language",
                "openai", "vision", "document-intelligence", "content-safety")) {
            m.put(cognitive, List.of("Microsoft.CognitiveServices/accounts"));
        }
        m.put("storage", List.of("Microsoft.Storage/storageAccounts"));
        m.put("email", List.of("Microsoft.Communication/emailServices", "Microsoft.Communication/communicationServices"));
        m.put("sms", List.of("Microsoft.Communication/communicationServices"));
        m.put("compute", List.of("Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets"));
        m.put("kubernetes", List.of("Microsoft.ContainerService/managedClusters"));
        m.put("maps", List.of("Microsoft.Maps/accounts"));
        m.put("video-indexer", List.of("Microsoft.VideoIndexer/accounts"));
        m.put("event-hubs", List.of("Microsoft.EventHub/namespaces"));
        return Map.copyOf(m);
    }

    private static Map<String, List<String>> serviceTypes(Map<String, String> settings) {
        Map<String, List<String>> m = new TreeMap<>(DEFAULT_SERVICE_TYPES);
        settings.forEach((key, value) -> {
            if (!key.startsWith(SERVICE_PREFIX)) {
                return;
            }
            String service = key.substring(SERVICE_PREFIX.length());
            List<String> types = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (service.isBlank() || types.isEmpty()
                    || !types.stream().allMatch(t -> t.matches("[A-Za-z0-9.]+/[A-Za-z0-9/]+"))) {
                throw new IllegalArgumentException(key + " must list resource types like "
                        + "Microsoft.Storage/storageAccounts, separated by commas");
            }
            m.put(service, types);
        });
        return m;
    }

    /** Reads one key at a time so that every error names its key. */
    private record Reader(Map<String, String> settings) {
        Reader {
            if (settings == null) {
                throw new IllegalArgumentException("no settings");
            }
        }

        String text(String key) {
            String v = settings.get(key);
            return v == null || v.isBlank() ? null : v.strip();
        }

        void required(String key, String value) {
            if (value == null) {
                throw new IllegalArgumentException(key + " is required with credential=client-secret");
            }
        }

        URI url(String key, String fallback) {
            String v = settings.getOrDefault(key, fallback).strip();
            try {
                URI uri = new URI(v.endsWith("/") ? v : v + "/");
                boolean https = "https".equals(uri.getScheme());
                boolean loopbackHttp = "http".equals(uri.getScheme()) && isLoopback(uri.getHost());
                if (uri.getHost() == null || !(https || loopbackHttp) || uri.getQuery() != null) {
                    throw new IllegalArgumentException(key + " must be an https URL (plain http only on localhost): "
                            + v);
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + " is not a URL: " + v, e);
            }
        }

        <E> E choice(String key, String fallback, E[] values, Function<E, String> wire) {
            String v = settings.getOrDefault(key, fallback).strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values).filter(e -> wire.apply(e).equals(v)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(key + " must be one of "
                            + new TreeSet<>(Arrays.stream(values).map(wire).toList()) + ", not '" + v + "'"));
        }

        int integer(String key, int fallback, int min, int max) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ": " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number: " + v, e);
            }
        }

        /** Accepts ISO-8601 ({@code PT10S}) or a number with {@code ms}, {@code s} or {@code m}. */
        Duration duration(String key, String fallback) {
            String v = settings.getOrDefault(key, fallback).strip().toLowerCase(Locale.ROOT);
            Duration d;
            try {
                d = v.startsWith("pt") ? Duration.parse(v)
                        : v.endsWith("ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                        : v.endsWith("s") ? Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)))
                        : v.endsWith("m") ? Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)))
                        : null;
            } catch (RuntimeException e) {
                d = null;
            }
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be a positive duration such as 500ms, 10s, 2m or "
                        + "PT10S: " + v);
            }
            return d;
        }
    }

    static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }
}
