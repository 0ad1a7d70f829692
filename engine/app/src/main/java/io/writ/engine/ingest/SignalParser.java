package io.writ.engine.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.micronaut.http.HttpStatus;
import io.writ.engine.web.Problem;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.Json;
import io.writ.rego.value.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch body into signals: a JSON array, or NDJSON (one JSON value per line, blank lines ignored).
 * Malformed text is a 400 that says where (line and column); too many signals is a 413.
 */
public final class SignalParser {
    /** The most signals one batch may carry. */
    public static final int MAX_SIGNALS = 10_000;

    private SignalParser() {
    }

    /** The batch's signals, each as posted (not yet validated), from the body's UTF-8 bytes. */
    public static List<Value> parse(byte[] body, boolean ndjson) {
        if (body == null || blank(body)) {
            throw Problem.badRequest("the request body is empty");
        }
        // an array is read from the bytes (no string of the whole body); NDJSON is split into lines as text
        List<Value> signals = ndjson ? ndjson(new String(body, StandardCharsets.UTF_8)) : array(body);
        if (signals.size() > MAX_SIGNALS) {
            throw new Problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "too-many-signals",
                    "a batch holds at most " + MAX_SIGNALS + " signals; this one has " + signals.size());
        }
        if (signals.isEmpty()) {
            throw Problem.unprocessable("the batch holds no signals");
        }
        return signals;
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static List<Value> array(byte[] body) {
        Value v;
        try {
            v = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
        if (!(v instanceof ArrayValue a)) {
            throw Problem.unprocessable("the batch must be a JSON array of signals (or NDJSON with Content-Type "
                    + "application/x-ndjson), not " + v.typeName());
        }
        return a.items();
    }

    private static List<Value> ndjson(String body) {
        List<Value> out = new ArrayList<>();
        int line = 0;
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = body.length();
            }
            line++;
            String text = body.substring(start, end);
            if (!text.isBlank()) {
                if (out.size() == MAX_SIGNALS) {
                    // stop reading: the count alone decides, and a huge body need not be parsed to say so
                    throw new Problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "too-many-signals",
                            "a batch holds at most " + MAX_SIGNALS + " signals; this one has more");
                }
                out.add(parseLine(text, line));
            }
            start = end + 1;
        }
        return out;
    }

    private static Value parseLine(String text, int line) {
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            // Json.parse counts lines within the one line it saw; report the position in the whole body
            if (e.getCause() instanceof JsonProcessingException jpe) {
                JsonLocation l = jpe.getLocation();
                throw Problem.badRequest("malformed NDJSON: " + jpe.getOriginalMessage() + " at line " + line
                        + (l == null ? "" : ", column " + l.getColumnNr()));
            }
            throw Problem.badRequest("malformed NDJSON at line " + line + ": " + e.getMessage());
        }
    }
}
