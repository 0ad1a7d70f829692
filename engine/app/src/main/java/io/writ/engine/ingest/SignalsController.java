package io.writ.engine.ingest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.writ.engine.tenants.Dossier;
import io.writ.engine.ops.Metrics;
import io.writ.engine.web.Problem;
import io.writ.rego.value.Value;

import java.util.List;

/**
 * {@code POST /v1/signals}: a batch of typed signals (a JSON array, or NDJSON), validated as a whole and
 * stored before it is acknowledged with {@code 202}. Nothing of a batch with one bad signal is stored.
 */
@Controller("/v1/signals")
@Secured({"pipeline", "admin"})
public class SignalsController {
    public static final String NDJSON = "application/x-ndjson";
    public static final int MAX_KEY_LENGTH = 255;

    private final IngestService ingest;
    private final Metrics metrics;

    public SignalsController(IngestService ingest, Metrics metrics) {
        this.ingest = ingest;
        this.metrics = metrics;
    }

    // every media type is let in, so that a wrong one gets a 415 that says which are right (a route that
    // does not match is otherwise refused before the controller, as a bare 403)
    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING) // parses, validates and writes to the database: off the event loop
    public HttpResponse<String> post(HttpRequest<?> request, Authentication caller, @Nullable @Body byte[] body,
                                     @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            throw Problem.badRequest("the Idempotency-Key header must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        MediaType type = request.getContentType().orElse(MediaType.APPLICATION_JSON_TYPE);
        boolean ndjson = type.getName().equals(NDJSON);
        if (!ndjson && !type.getName().equals(MediaType.APPLICATION_JSON)) {
            throw new Problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "a batch is application/json "
                    + "(an array of signals) or " + NDJSON + ", not " + type.getName());
        }
        List<Value> signals = SignalParser.parse(body, ndjson);
        List<String> texts = SignalValidator.texts(signals);
        List<SignalValidator.FieldError> errors = SignalValidator.validate(signals, texts);
        if (!errors.isEmpty()) {
            metrics.signalsRejected(signals.size());
            String first = errors.getFirst().pointer() + " " + errors.getFirst().detail();
            throw new Problem(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-signals",
                    errors.size() == 1 ? "the batch has an invalid signal (" + first + "); nothing was stored"
                            : "the batch has " + errors.size() + " invalid fields (first: " + first + "); nothing was stored")
                    .with("errors", errors.stream().map(SignalValidator.FieldError::toMember).toList());
        }
        IngestService.Outcome outcome = ingest.accept(signals, texts, Dossier.sha256(body), caller.getName(),
                idempotencyKey);
        if (!outcome.replayed()) {
            metrics.signalsAccepted(signals.size());
        }
        return HttpResponse.<String>status(HttpStatus.ACCEPTED).body(outcome.responseJson())
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
