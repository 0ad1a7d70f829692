package io.writ.engine.enforcement;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;

import java.util.List;

/**
 * A case's enforcement: {@code GET /v1/cases/{id}/plan} (the frozen plan, or the proposal before approval, with a
 * live dry-run preview per target), {@code GET /v1/cases/{id}/statement} (statement of reasons),
 * {@code POST /v1/cases/{id}/plan/retry} (failed actions again) and
 * {@code POST /v1/cases/{id}/plan/actions/{index}/release} (an action held by the blast-radius cap). Executing at once
 * is the case move {@code POST /v1/cases/{id}/execute}.
 */
@Controller("/v1/cases/{id}")
// previews call the provider, and connectors block (the Azure SDK refuses to block on an event-loop thread)
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({"reviewer", "approver", "auditor", "admin"})
public class EnforcementController {
    private final EnforcementService enforcement;

    public EnforcementController(EnforcementService enforcement) {
        this.enforcement = enforcement;
    }

    @Get(uri = "/plan", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> plan(@PathVariable String id) {
        return HttpResponse.ok(PlanJson.text(enforcement.planWithPreview(id)));
    }

    /** The statement of reasons (EU DSA Art. 17(3)); never names the reporter of an external report. */
    @Get(uri = "/statement", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> statement(@PathVariable String id) {
        return HttpResponse.ok(PlanJson.text(enforcement.statement(id)));
    }

    /** Queues every failed action again; body {@code {"reason": "..."}} (optional). */
    @Post(uri = "/plan/retry", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured({"approver", "admin"})
    public HttpResponse<String> retry(@PathVariable String id, @Nullable @Body String body, Authentication auth) {
        String reason = Bodies.reason(Bodies.object(body, List.of("reason")), false);
        return HttpResponse.ok(PlanJson.text(enforcement.retry(id, auth.getName(), reason)));
    }

    /** Releases an action held by the blast-radius cap; admins only, with a reason. */
    @Post(uri = "/plan/actions/{index}/release", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured({"admin"})
    public HttpResponse<String> release(@PathVariable String id, @PathVariable String index, @Nullable @Body String body,
                                        Authentication auth) {
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw io.writ.engine.web.Problem.badRequest("action index '" + index + "' is not a whole number");
        }
        String reason = Bodies.reason(Bodies.object(body, List.of("reason")), true);
        return HttpResponse.ok(PlanJson.text(enforcement.release(id, i, auth.getName(), reason)));
    }
}
