package io.writ.engine.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Mints the embedded issuer's bearer tokens (HS256, {@code roles} claim as Micronaut Security reads it). */
public final class Tokens {
    /** The roles of DESIGN §7. */
    public static final Set<String> ROLES = Set.of("pipeline", "reviewer", "approver", "auditor", "admin");
    public static final String ISSUER = "writ-local";

    private Tokens() {
    }

    public static String mint(String secret, String subject, List<String> roles, Duration ttl) {
        for (String r : roles) {
            if (!ROLES.contains(r)) {
                throw new IllegalArgumentException("unknown role '" + r + "'; roles are " + String.join(", ",
                        ROLES.stream().sorted().toList()));
            }
        }
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a subject is required");
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .claim("roles", roles)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.US_ASCII)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token: " + e.getMessage(), e);
        }
    }
}
