package io.writ.engine.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** Turns a {@link Problem} into its status and problem+json body. */
@Singleton
public final class ProblemHandler implements ExceptionHandler<Problem, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    public ProblemHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Problem problem) {
        return errors.processResponse(ErrorContext.builder(request).cause(problem).errorMessage(problem.getMessage()).build(),
                HttpResponse.status(problem.status()));
    }
}
