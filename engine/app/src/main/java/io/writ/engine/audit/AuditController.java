package io.writ.engine.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.web.Problem;

import java.sql.Connection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The audit log over HTTP, read-only: the signed checkpoint and its verifier key, entries, RFC 9162 inclusion and
 * consistency proofs, the filtered audit view and the JSONL export. Auditors and admins read; nobody writes to the
 * log through the API.
 */
@Controller("/v1/log")
@Secured({"auditor", "admin"})
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;
    static final MediaType JSONL = MediaType.of("application/x-ndjson");
    private static final Set<String> QUERY_PARAMETERS = Set.of("tenant", "case", "kind", "since", "until", "cursor", "limit");

    private final AuditLog log;
    private final AuditReader reader;
    private final TransactionOperations<Connection> tx;

    public AuditController(AuditLog log, AuditReader reader, TransactionOperations<Connection> tx) {
        this.log = log;
        this.reader = reader;
        this.tx = tx;
    }

    /** The newest checkpoint as a C2SP signed note ({@code text/plain}). */
    @Get(uri = "/checkpoint", produces = MediaType.TEXT_PLAIN)
    public String checkpoint() {
        return reader.latest().note();
    }

    /** The verifier key of the checkpoints: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}. */
    @Get(uri = "/public-key", produces = MediaType.TEXT_PLAIN)
    public String publicKey() {
        return log.verifierKey().toString();
    }

    /** One entry: {@code {"index", "entry", "leaf" (base64 of the exact bytes hashed), "leaf_hash"}}. */
    @Get(uri = "/entries/{index}", produces = MediaType.APPLICATION_JSON)
    public String entry(@PathVariable String index) {
        long i = number("index", index);
        return reader.entry(i).map(AuditReader::entryJson).orElseThrow(() -> notFound(i));
    }

    /**
     * The input of the decision at {@code index}: {@code {"index", "decision", "input", "input_sha256", "whole_at",
     * "patches"}}, rebuilt from the tenant's last whole input ({@code whole_at}) through {@code patches} patches
     * when the entry holds a patch. 422 for an entry that is not a decision.
     */
    @Get(uri = "/entries/{index}/input", produces = MediaType.APPLICATION_JSON)
    public String decisionInput(@PathVariable String index) {
        long i = number("index", index);
        try {
            return reader.decisionInput(i).map(AuditReader.DecisionInput::json).orElseThrow(() -> notFound(i));
        } catch (AuditReader.NoInput e) {
            // a chain that does not rebuild is the log's fault, not the request's: what `writ log verify` reports
            throw e.broken() ? new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "log-input-not-rebuilt", e.getMessage())
                    : Problem.unprocessable(e.getMessage());
        }
    }

    private Problem notFound(long i) {
        return new Problem(HttpStatus.NOT_FOUND, "log-entry-not-found",
                "the log has no entry " + i + "; it holds " + reader.size() + " sequenced entries");
    }

    /** RFC 9162 §2.1.3 inclusion proof of entry {@code index} in the tree of {@code size} entries (default: the newest). */
    @Get(uri = "/proofs/inclusion", produces = MediaType.APPLICATION_JSON)
    public String inclusion(@Nullable String index, @Nullable String size) {
        long i = number("index", required("index", index));
        // one read transaction for the size and the proof: one connection, not two
        return tx.executeRead(s -> inclusion(i, size));
    }

    private String inclusion(long i, @Nullable String size) {
        long latest = reader.size();
        long n = size == null ? latest : number("size", size);
        within("size", n, latest);
        if (i >= n) {
            throw Problem.unprocessable("index " + i + " is not in a tree of size " + n + "; it must be below the size");
        }
        return "{\"index\":" + i + ",\"size\":" + n + ",\"hashes\":" + hashes(reader.inclusionProof(i, n)) + "}";
    }

    /** RFC 9162 §2.1.4 consistency proof between the trees of {@code from} and {@code to} entries (default: the newest). */
    @Get(uri = "/proofs/consistency", produces = MediaType.APPLICATION_JSON)
    public String consistency(@Nullable String from, @Nullable String to) {
        long m = number("from", required("from", from));
        return tx.executeRead(s -> consistency(m, to));
    }

    private String consistency(long m, @Nullable String to) {
        long latest = reader.size();
        long n = to == null ? latest : number("to", to);
        within("to", n, latest);
        if (m < 1 || m > n) {
            throw Problem.unprocessable("from " + m + " and to " + n + " need 1 <= from <= to");
        }
        return "{\"from\":" + m + ",\"to\":" + n + ",\"hashes\":" + hashes(reader.consistencyProof(m, n)) + "}";
    }

    /**
     * The audit view: entries by {@code tenant}, {@code case}, {@code kind} and time ({@code since} inclusive,
     * {@code until} exclusive, RFC 3339), in log order; {@code limit} (1..1000, default 100) and the
     * {@code cursor} a previous page returned as {@code next_cursor}.
     */
    @Get(uri = "/entries", produces = MediaType.APPLICATION_JSON)
    public String query(HttpRequest<?> request) {
        var params = request.getParameters();
        for (String name : params.names()) {
            if (!QUERY_PARAMETERS.contains(name)) {
                throw Problem.badRequest("unknown query parameter '" + name + "'; the filters are "
                        + String.join(", ", QUERY_PARAMETERS.stream().sorted().toList()));
            }
        }
        Instant since = instant("since", params.get("since"));
        Instant until = instant("until", params.get("until"));
        if (since != null && until != null && !since.isBefore(until)) {
            throw Problem.unprocessable("since " + since + " must be before until " + until);
        }
        long after = -1;
        String cursor = params.get("cursor");
        if (cursor != null) {
            after = number("cursor", cursor);
        }
        int limit = limit(params.get("limit"));
        AuditQuery q = new AuditQuery(blankToNull(params.get("tenant")), blankToNull(params.get("case")),
                blankToNull(params.get("kind")), since, until, after);
        List<LogEntry> page = reader.query(q, reader.size(), limit + 1);
        StringBuilder out = new StringBuilder("{\"entries\":[");
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            out.append(i == 0 ? "" : ",").append(AuditReader.exportLine(page.get(i)));
        }
        out.append(']');
        if (page.size() > limit) {
            out.append(",\"next_cursor\":\"").append(page.get(limit - 1).index()).append('"');
        }
        return out.append('}').toString();
    }

    /**
     * Entries [{@code from}, {@code to}) as JSON lines {@code {"index": i, "entry": {...}}}, streamed; the defaults
     * are the whole log as of the newest checkpoint, which is what {@code writ log verify --export} checks.
     */
    @Get(uri = "/export")
    public HttpResponse<StreamedFile> export(@Nullable String from, @Nullable String to) {
        long latest = reader.size();
        long m = from == null ? 0 : number("from", from);
        long n = to == null ? latest : number("to", to);
        within("to", n, latest);
        if (m > n) {
            throw Problem.unprocessable("from " + m + " must not be after to " + n);
        }
        return HttpResponse.ok(new StreamedFile(reader.export(m, n), JSONL))
                .header("X-Writ-Log-Size", Long.toString(n));
    }

    private static String hashes(List<byte[]> hashes) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < hashes.size(); i++) {
            s.append(i == 0 ? "\"" : ",\"").append(Base64.getEncoder().encodeToString(hashes.get(i))).append('"');
        }
        return s.append(']').toString();
    }

    private static String required(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw Problem.badRequest("the query parameter '" + name + "' is required");
        }
        return value;
    }

    private static long number(String name, String text) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the problem below
        }
        throw Problem.badRequest(name + " must be a whole number >= 0, not '" + text + "'");
    }

    private static void within(String name, long n, long latest) {
        if (n > latest) {
            throw Problem.unprocessable(name + " " + n + " is beyond the newest checkpoint, whose size is " + latest);
        }
    }

    private static @Nullable Instant instant(String name, @Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw Problem.badRequest(name + " '" + text + "' is not an RFC 3339 time like 2026-01-31T12:00:00Z");
        }
    }

    private static int limit(@Nullable String text) {
        if (text != null) {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= 1 && n <= MAX_LIMIT) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the problem below
            }
            throw Problem.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text + "'");
        }
        return DEFAULT_LIMIT;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
