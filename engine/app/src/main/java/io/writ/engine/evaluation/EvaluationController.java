package io.writ.engine.evaluation;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.writ.engine.web.Problem;
import io.writ.rego.RegoEvalException;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.UUID;

/**
 * {@code POST /v1/evaluations} (a whole dossier in, the decision out, nothing stored) and OPA's REST Data
 * API {@code POST /v1/data/{path}}, so that OPA's clients work against Writ. Both ask the configured
 * {@link PolicyEngine} (embedded, or an OPA server).
 */
@Controller("/v1")
// off the event loop: with the OPA engine an evaluation waits on the network (up to writ.policy.opa.timeout)
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({"pipeline", "reviewer", "approver", "admin"})
public class EvaluationController {
    /** Where the acceptable-use decision lives in the bundle (DESIGN §5). */
    public static final String DECISION = "writ/aup/decision";

    private final PolicyEngine engine;

    public EvaluationController(PolicyEngine engine) {
        this.engine = engine;
    }

    /**
     * Evaluates a tenant dossier (DESIGN §4) against the loaded policy and returns the decision (DESIGN §5).
     * Nothing is stored.
     */
    @Operation(summary = "Decide on a whole dossier, storing nothing")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = "object", description = "a tenant dossier")))
    @ApiResponse(responseCode = "200", description = "the decision", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = "object", description = "verdict, violations, requires_approval")))
    @Post(uri = "/evaluations", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> evaluate(@Body String body, @QueryValue(defaultValue = "false") boolean explain) {
        Value dossier = parse(body);
        if (!(dossier instanceof ObjectValue)) {
            throw Problem.unprocessable("the dossier must be a JSON object, not " + dossier.typeName());
        }
        Value decision = decide(DECISION, dossier);
        if (decision == null) {
            throw new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "no-decision",
                    "the policy bundle (revision '" + engine.revision() + "') produced no decision");
        }
        if (explain && decision instanceof ObjectValue d) {
            return HttpResponse.ok(d.toBuilder().put("explain", explanation(dossier)).build().toJsonString());
        }
        return HttpResponse.ok(decision.toJsonString());
    }

    /** Where the rule packages live in the bundle: {@code data.writ.aup.rules.<rule>}. */
    public static final String RULES = "writ/aup/rules";

    /**
     * What fired and why, for {@code ?explain=true}: per rule package, every rule-level document the
     * dossier made non-empty (indicator sets, thresholds crossed, the violations themselves).
     */
    private Value explanation(Value dossier) {
        ObjectValue.Builder rules = ObjectValue.builder();
        if (decide(RULES, dossier) instanceof ObjectValue all) {
            for (int i = 0; i < all.size(); i++) {
                if (all.valueAt(i) instanceof ObjectValue pkg) {
                    ObjectValue.Builder fired = ObjectValue.builder();
                    for (int j = 0; j < pkg.size(); j++) {
                        if (hasContent(pkg.valueAt(j))) {
                            fired.put(pkg.keyAt(j), pkg.valueAt(j));
                        }
                    }
                    rules.put(all.keyAt(i), fired.build());
                }
            }
        }
        return ObjectValue.builder().put("rules", rules.build()).build();
    }

    private static boolean hasContent(Value v) {
        return switch (v) {
            case io.writ.rego.value.SetValue s -> !s.isEmpty();
            case io.writ.rego.value.ArrayValue a -> a.size() > 0;
            case ObjectValue o -> !o.isEmpty();
            case io.writ.rego.value.BooleanValue b -> b.value();
            case io.writ.rego.value.NullValue n -> false;
            default -> true;
        };
    }

    /**
     * OPA's REST Data API: the document at {@code path} for {@code {"input": ...}}, as
     * {@code {"result": ..., "decision_id": ...}}; no {@code result} when the document is undefined.
     */
    @Operation(summary = "OPA's Data API over the loaded policy bundle")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = "object", description = "{\"input\": ...}")))
    @ApiResponse(responseCode = "200", description = "the document, under result (absent when undefined)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    // {path:.*} rather than {+path}: the same match, and the OpenAPI generator keeps the parameter
    @Post(uri = "/data/{path:.*}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> data(@PathVariable String path, @Body String body) {
        Value request = body == null || body.isBlank() ? ObjectValue.EMPTY : parse(body);
        if (!(request instanceof ObjectValue req)) {
            throw Problem.badRequest("the body must be an object like {\"input\": ...}");
        }
        Value result = decide(path, req.get("input"));
        ObjectValue.Builder out = ObjectValue.builder().put("decision_id", StringValue.of(UUID.randomUUID().toString()));
        if (result != null) {
            out.put("result", result);
        }
        return HttpResponse.ok(out.build().toJsonString());
    }

    private Value decide(String path, Value input) {
        try {
            return engine.evaluate(path, input);
        } catch (RegoEvalException e) {
            throw new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "policy-error", "the policy failed: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new Problem(HttpStatus.SERVICE_UNAVAILABLE, "no-policy", e.getMessage());
        } catch (PolicyEngineException e) {
            // a remote engine (OPA): the service is a gateway to it, so its failures are 502/503/504
            throw switch (e.reason()) {
                case UNAVAILABLE -> new Problem(HttpStatus.SERVICE_UNAVAILABLE, "policy-engine-unavailable", e.getMessage());
                case TIMEOUT -> new Problem(HttpStatus.GATEWAY_TIMEOUT, "policy-engine-timeout", e.getMessage());
                case FAILED -> new Problem(HttpStatus.BAD_GATEWAY, "policy-engine-error", e.getMessage());
            };
        }
    }

    private static Value parse(String body) {
        if (body == null || body.isBlank()) {
            throw Problem.badRequest("the request body is empty");
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
    }
}
