package io.writ.engine.evaluation;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.writ.engine.web.Problem;
import io.writ.rego.RegoEvalException;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.UUID;

/**
 * {@code POST /v1/evaluations} (a whole dossier in, the decision out, nothing stored) and OPA's REST Data
 * API {@code POST /v1/data/{path}}, so that OPA's clients work against Writ.
 */
@Controller("/v1")
@Secured({"pipeline", "reviewer", "approver", "admin"})
public class EvaluationController {
    /** Where the acceptable-use decision lives in the bundle (DESIGN §5). */
    public static final String DECISION = "writ/aup/decision";

    private final PolicyEngine engine;

    public EvaluationController(PolicyEngine engine) {
        this.engine = engine;
    }

    @Post(uri = "/evaluations", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> evaluate(@Body String body) {
        Value dossier = parse(body);
        if (!(dossier instanceof ObjectValue)) {
            throw Problem.unprocessable("the dossier must be a JSON object, not " + dossier.typeName());
        }
        Value decision = decide(DECISION, dossier);
        if (decision == null) {
            throw new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "no-decision",
                    "the policy bundle (revision '" + engine.revision() + "') produced no decision");
        }
        return HttpResponse.ok(decision.toJsonString());
    }

    @Post(uri = "/data/{+path}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
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
