package io.writ.engine.web;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error body the service writes — ours, Micronaut's (404, 405, 413, bad JSON) and Micronaut
 * Security's (401, 403) — as RFC 9457 problem details with {@code application/problem+json}.
 */
@Singleton
@Primary
@Replaces(JsonErrorResponseBodyProvider.class)
public final class ProblemBodies implements JsonErrorResponseBodyProvider<Map<String, Object>> {
    public static final String CONTENT_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://writ.dev/problems/";

    @Override
    public Map<String, Object> body(ErrorContext ctx, HttpResponse<?> response) {
        Map<String, Object> p = new LinkedHashMap<>();
        Throwable cause = ctx.getRootCause().orElse(null);
        int status = response.code();
        if (cause instanceof Problem problem) {
            p.put("type", TYPE_BASE + problem.type());
        } else {
            p.put("type", "about:blank");
        }
        p.put("title", response.getStatus().getReason());
        p.put("status", status);
        String detail = cause instanceof Problem problem ? problem.getMessage() : firstMessage(ctx, status);
        if (detail != null) {
            p.put("detail", detail);
        }
        p.put("instance", ctx.getRequest().getPath());
        if (cause instanceof Problem problem) {
            problem.members().forEach(p::putIfAbsent); // extension members never override the standard ones
        }
        return p;
    }

    private static String firstMessage(ErrorContext ctx, int status) {
        if (status == 401) {
            return "a valid bearer token is required";
        }
        if (status == 403) {
            return "your roles do not allow this request";
        }
        for (Error e : ctx.getErrors()) {
            return e.getMessage();
        }
        return null;
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }
}
