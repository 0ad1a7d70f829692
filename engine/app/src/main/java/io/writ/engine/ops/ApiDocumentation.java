package io.writ.engine.ops;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * The OpenAPI document's header. micronaut-openapi writes the document at compile time from the
 * controllers ({@code META-INF/swagger/writ.yml}); the service serves it at {@code /swagger/writ.yml} and a
 * browsable Swagger UI at {@code /swagger-ui/}, both without a token: they describe the API and hold no data.
 */
@OpenAPIDefinition(
        info = @Info(
                title = "Writ",
                version = "0.1",
                description = "Acceptable-use policy enforcement: signals in, decisions and review cases out. "
                        + "Every error is RFC 9457 problem+json. Every endpoint but /health needs a bearer token "
                        + "whose roles claim holds one of pipeline, reviewer, approver, auditor, admin.",
                license = @License(name = "Proprietary")),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class ApiDocumentation {
    private ApiDocumentation() {
    }
}
