package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.writ.engine.web.Problem;

import java.util.List;

/**
 * The safety valves: {@code GET /v1/admin/enforcement} (kill switch, dry-run mode, blast-radius cap, held actions;
 * admins and auditors) and {@code PUT /v1/admin/enforcement} {@code {"paused": true, "reason": "..."}} (admins): the
 * kill switch pauses every plan before its next step and survives restarts.
 */
@Controller("/v1/admin/enforcement")
@Secured({"admin"})
public class AdminEnforcementController {
    private final EnforcementService enforcement;

    public AdminEnforcementController(EnforcementService enforcement) {
        this.enforcement = enforcement;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured({"admin", "auditor"})
    public HttpResponse<String> get() {
        return HttpResponse.ok(PlanJson.text(enforcement.controlView()));
    }

    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> put(@Nullable @Body String body, Authentication auth) {
        ObjectNode o = Bodies.object(body, List.of("paused", "reason"));
        JsonNode paused = o.get("paused");
        if (paused == null || !paused.isBoolean()) {
            throw Problem.unprocessable("\"paused\" must be true or false");
        }
        String reason = Bodies.reason(o, true);
        return HttpResponse.ok(PlanJson.text(enforcement.setPaused(paused.asBoolean(), reason, auth.getName())));
    }
}
