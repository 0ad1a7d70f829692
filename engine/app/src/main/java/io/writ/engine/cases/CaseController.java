package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.writ.engine.web.Problem;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The review queue: {@code GET /v1/cases} (filters, pages), {@code GET /v1/cases/{id}} (the whole case) and
 * {@code POST /v1/cases/{id}/{transition}} (the moves of {@link Transition}, with the case version in
 * {@code If-Match}). Every case response, errors about an existing case included, carries its version as
 * {@code ETag} ({@code "3"}).
 *
 * <p>Roles: reviewers, approvers, auditors and admins read; reviewers, approvers and admins move cases, each
 * move further limited to the roles {@link Transition} names; pipelines see nothing.
 */
@Controller("/v1/cases")
@Secured({"reviewer", "approver", "auditor", "admin"})
public class CaseController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Set<String> LIST_PARAMETERS = Set.of("status", "severity", "rule", "tenant", "assignee",
            "older_than", "newer_than", "limit", "cursor");
    private static final Pattern ETAG = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");

    private final CaseService cases;
    private final ErrorResponseProcessor<?> errors;
    private final List<CaseViewSection> sections;

    public CaseController(CaseService cases, ErrorResponseProcessor<?> errors, List<CaseViewSection> sections) {
        this.cases = cases;
        this.errors = errors;
        this.sections = sections;
    }

    /**
     * Cases in (created, id) order. Filters, each a comma-separated "any of" list or repeated: {@code status},
     * {@code severity}, {@code rule}, {@code tenant}, {@code assignee}; age as ISO-8601 durations:
     * {@code older_than=PT24H}, {@code newer_than=P7D}. Pages: {@code limit} (1..200, default 50) and the
     * {@code cursor} a previous page returned as {@code next_cursor}.
     */
    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> list(HttpRequest<?> request) {
        var params = request.getParameters();
        for (String name : params.names()) {
            if (!LIST_PARAMETERS.contains(name)) {
                throw Problem.badRequest("unknown query parameter '" + name + "'; the filters are "
                        + String.join(", ", LIST_PARAMETERS.stream().sorted().toList()));
            }
        }
        List<CaseStatus> statuses = new ArrayList<>();
        for (String s : values(params.getAll("status"))) {
            statuses.add(CaseStatus.fromWire(s).orElseThrow(() -> Problem.badRequest("unknown status '" + s
                    + "'; statuses are " + String.join(", ", Arrays.stream(CaseStatus.values()).map(CaseStatus::wire).toList()))));
        }
        List<String> severities = values(params.getAll("severity"));
        for (String s : severities) {
            if (!Severity.SEVERITIES.contains(s)) {
                throw Problem.badRequest("unknown severity '" + s + "'; severities are " + String.join(", ", Severity.SEVERITIES));
            }
        }
        Instant now = Instant.now();
        Instant before = age(params.get("older_than"), "older_than", now);
        Instant after = age(params.get("newer_than"), "newer_than", now);
        int limit = limit(params.get("limit"));
        CaseQuery.Cursor cursor = null;
        String c = params.get("cursor");
        if (c != null) {
            try {
                cursor = CaseQuery.Cursor.decode(c);
            } catch (RuntimeException e) {
                throw Problem.badRequest("cursor '" + c + "' is not one this service returned as next_cursor");
            }
        }
        var query = new CaseQuery(statuses, severities, values(params.getAll("rule")), values(params.getAll("tenant")),
                values(params.getAll("assignee")), before, after, cursor);
        return HttpResponse.ok(CaseJson.page(cases.list(query, limit)));
    }

    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> get(@PathVariable String id) {
        CaseRecord r = cases.find(id).orElseThrow(() -> CaseService.notFound(id));
        return HttpResponse.ok(CaseJson.full(r, sections)).header(HttpHeaders.ETAG, etag(r.row().version()));
    }

    /**
     * One move of {@link Transition}. Body: a JSON object with {@code reason} (required for dismiss, propose,
     * approve, reject, appeal, uphold, reinstate) and the move's data; the actor is the token's subject.
     * {@code If-Match} must carry the case version: missing is 428, stale is 409.
     */
    @Post(uri = "/{id}/{transition}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured({"reviewer", "approver", "admin"})
    public HttpResponse<?> transition(HttpRequest<?> request, @PathVariable String id, @PathVariable String transition,
                                      @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
                                      @Nullable @Body String body, Authentication auth) {
        try {
            Transition t = Transition.fromWire(transition).orElseThrow(() -> new Problem(HttpStatus.NOT_FOUND,
                    "unknown-transition", "no transition '" + transition + "'; transitions are "
                    + String.join(", ", Transition.names())));
            if (t.serviceOnly()) {
                throw CaseService.serviceOnly(t);
            }
            if (!t.permits(auth.getRoles())) {
                throw new Problem(HttpStatus.FORBIDDEN, "role-not-allowed", t.wire() + " needs one of the roles "
                        + String.join(", ", t.roles()));
            }
            long expected = version(ifMatch);
            ObjectValue data = parse(body);
            CaseRecord r = cases.transition(id, t, new CaseService.Actor(auth.getName(), auth.getRoles()), expected, data);
            return HttpResponse.ok(CaseJson.full(r, sections)).header(HttpHeaders.ETAG, etag(r.row().version()));
        } catch (Problem p) {
            // the current version goes with the error, so a client that lost a race can reload and retry
            return problem(request, p, cases.version(id));
        }
    }

    private MutableHttpResponse<?> problem(HttpRequest<?> request, Problem p, Optional<Long> version) {
        MutableHttpResponse<?> response = HttpResponse.status(p.status());
        version.ifPresent(v -> response.header(HttpHeaders.ETAG, etag(v)));
        return errors.processResponse(ErrorContext.builder(request).cause(p).errorMessage(p.getMessage()).build(), response);
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static long version(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new Problem(HttpStatus.PRECONDITION_REQUIRED, "if-match-required",
                    "If-Match with the case version (its ETag, e.g. \"3\") is required to change a case");
        }
        Matcher m = ETAG.matcher(ifMatch.strip());
        if (!m.matches()) {
            throw Problem.badRequest("If-Match '" + ifMatch + "' is not a case version; send the ETag the case came with, e.g. \"3\"");
        }
        return Long.parseLong(m.group(1));
    }

    private static ObjectValue parse(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return ObjectValue.EMPTY;
        }
        Value v;
        try {
            v = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
        if (!(v instanceof ObjectValue o)) {
            throw Problem.unprocessable("the body must be a JSON object, not " + v.typeName());
        }
        return o;
    }

    private static List<String> values(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String part : r.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static @Nullable Instant age(@Nullable String text, String name, Instant now) {
        if (text == null) {
            return null;
        }
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative()) {
                throw Problem.badRequest(name + " must not be negative");
            }
            return now.minus(d);
        } catch (DateTimeParseException e) {
            throw Problem.badRequest(name + " '" + text + "' is not an ISO-8601 duration like PT24H or P7D");
        }
    }

    private static int limit(@Nullable String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the problem below
        }
        throw Problem.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text + "'");
    }
}
