package io.writ.engine.security;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.writ.engine.cli.ServeCommand;
import io.writ.engine.storage.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Production validates an identity provider's tokens from its JWKS; without the local issuer, nothing
 * else is accepted (in particular no token signed with a secret written in the repository).
 */
class JwksTest {
    WireMockServer idp;
    RSAKey key;
    ApplicationContext ctx;
    HttpClient client;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        idp = new WireMockServer(options().dynamicPort());
        idp.start();
        idp.stubFor(get("/keys").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(key.toPublicJWK()).toString())));
        Map<String, Object> props = new HashMap<>(Databases.h2("jwks" + UUID.randomUUID().toString().replace("-", "")));
        props.put(ServeCommand.JWKS_PROPERTY, idp.baseUrl() + "/keys");
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", "classpath:test-bundle");
        EmbeddedServer server = ApplicationContext.builder().deduceEnvironment(false).properties(props)
                .run(EmbeddedServer.class);
        ctx = server.getApplicationContext();
        client = ctx.createBean(HttpClient.class, server.getURL());
    }

    @AfterEach
    void stop() {
        client.close();
        ctx.close();
        idp.stop();
    }

    private String idpToken(RSAKey signer, List<String> roles) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("svc-ingest").issuer("https://idp.example")
                .claim("roles", roles).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private int status(String token) {
        var req = HttpRequest.POST("/v1/evaluations", "{\"tenant\": {\"id\": \"t\"}}").contentType("application/json")
                .bearerAuth(token);
        HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(req, String.class));
        return e == null ? 200 : e.getStatus().getCode();
    }

    @Test
    void identityProviderTokensAreAcceptedAndNothingElse() throws Exception {
        assertThat(status(idpToken(key, List.of("pipeline")))).isEqualTo(200);
        assertThat(status(idpToken(key, List.of("auditor")))).isEqualTo(403);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        assertThat(status(idpToken(stranger, List.of("pipeline")))).isEqualTo(401);
        String oldPlaceholder = Tokens.mint("unset-unset-unset-unset-unset-unset", "mallory", List.of("admin"),
                Duration.ofMinutes(5));
        assertThat(status(oldPlaceholder)).isEqualTo(401);
    }
}
