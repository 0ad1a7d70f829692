package io.writ.engine.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micronaut.core.annotation.Nullable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code writ log verify} checks, online (from a running service) or offline (an export and a checkpoint
 * file): the checkpoint is signed by the log's key; the entries, in order, hash to its root (so none was
 * changed, removed, added or reordered); and an earlier checkpoint's tree is a prefix of this one (so history
 * was not rewritten or truncated). It trusts nothing the service says but the entries themselves.
 */
public final class LogVerifier {
    /** Reads entries keeping every number as written (what the service reads back of its log, too). */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private LogVerifier() {
    }

    /** The outcome: ok, or the first failure; the verified checkpoint note when ok. */
    public record Report(boolean ok, @Nullable String failure, @Nullable String note) {
        static Report failed(String why) {
            return new Report(false, why, null);
        }

        /** Writes the verified checkpoint, for the next run's {@code --previous}. */
        public void save(Path file, PrintWriter out) {
            try {
                Files.writeString(file, note, StandardCharsets.UTF_8);
                out.println("checkpoint saved to " + file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    /** A failure that ends the verification. */
    private static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /** Verifies a running service's log through its API. */
    public static Report online(URI url, @Nullable String token, Path publicKey, @Nullable Path previous, PrintWriter out) {
        String base = url.toString().endsWith("/") ? url.toString() : url + "/";
        try (HttpClient http = HttpClient.newHttpClient()) {
            VerifierKey key = key(publicKey);
            String note = text(get(http, base + "v1/log/checkpoint", token));
            Checkpoint cp = open(note, key, "the service's checkpoint", out);
            Checkpoint prev = previous == null ? null : open(read(previous), key, "the previous checkpoint " + previous, out);
            HttpResponse<Stream<String>> export = http.send(request(base + "v1/log/export?to=" + cp.size(), token),
                    HttpResponse.BodyHandlers.ofLines());
            if (export.statusCode() != 200) {
                throw new Failed("GET /v1/log/export answered " + export.statusCode());
            }
            try (Stream<String> lines = export.body()) {
                entries(lines.iterator(), cp, prev, out);
            }
            if (prev != null && prev.size() > 0) {
                // the service's own proof must agree with what the entries showed
                JsonNode proof = JSON.readTree(text(get(http, base + "v1/log/proofs/consistency?from=" + prev.size()
                        + "&to=" + cp.size(), token)));
                List<byte[]> hashes = new ArrayList<>();
                proof.path("hashes").forEach(h -> hashes.add(Base64.getDecoder().decode(h.asText())));
                if (!Merkle.verifyConsistency(prev.size(), cp.size(), prev.root(), cp.root(), hashes)) {
                    throw new Failed("the service's consistency proof from " + prev.size() + " to " + cp.size() + " does not verify");
                }
                out.println("consistency proof " + prev.size() + " -> " + cp.size() + " from the service: ok");
            }
            return new Report(true, null, note);
        } catch (Failed f) {
            return Report.failed(f.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return Report.failed("cannot read the log at " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Report.failed("interrupted");
        }
    }

    /** Verifies an export against a checkpoint file. */
    public static Report offline(Path export, Path checkpoint, Path publicKey, @Nullable Path previous, PrintWriter out) {
        try {
            VerifierKey key = key(publicKey);
            String note = read(checkpoint);
            Checkpoint cp = open(note, key, "the checkpoint " + checkpoint, out);
            Checkpoint prev = previous == null ? null : open(read(previous), key, "the previous checkpoint " + previous, out);
            try (BufferedReader r = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
                entries(r.lines().iterator(), cp, prev, out);
            }
            return new Report(true, null, note);
        } catch (Failed f) {
            return Report.failed(f.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return Report.failed("cannot read " + e.getMessage());
        }
    }

    private static VerifierKey key(Path file) {
        try {
            return VerifierKey.parse(read(file));
        } catch (IllegalArgumentException e) {
            throw new Failed("the public key in " + file + " is unusable: " + e.getMessage());
        }
    }

    private static Checkpoint open(String note, VerifierKey key, String what, PrintWriter out) {
        Checkpoint cp;
        try {
            cp = Checkpoint.open(note, key);
        } catch (Checkpoint.InvalidCheckpoint e) {
            throw new Failed(what + ": " + e.getMessage());
        }
        if (!cp.origin().equals(key.name())) {
            throw new Failed(what + " is of the log '" + cp.origin() + "', not '" + key.name() + "'");
        }
        out.println(what + ": " + cp.size() + " entries, root " + Base64.getEncoder().encodeToString(cp.root())
                + ", signature by " + key + ": ok");
        return cp;
    }

    /** Hashes every entry in order and compares the roots with the checkpoint's and the previous one's. */
    private static void entries(Iterator<String> lines, Checkpoint cp, @Nullable Checkpoint prev, PrintWriter out) {
        if (prev != null && prev.size() > cp.size()) {
            throw new Failed("the log shrank: the previous checkpoint has " + prev.size() + " entries, this one only "
                    + cp.size() + "; entries were removed or the log was truncated");
        }
        Frontier f = Frontier.load((level, index) -> {
            throw new IllegalStateException("an empty tree has no nodes");
        }, 0);
        List<AuditStore.Node> scratch = new ArrayList<>();
        Inputs inputs = new Inputs();
        byte[] prevRoot = prev != null && prev.size() == 0 ? f.root() : null;
        long line = 0;
        while (lines.hasNext()) {
            String text = lines.next();
            line++;
            if (text.isBlank()) {
                continue;
            }
            long expected = f.size();
            if (expected >= cp.size()) {
                throw new Failed("line " + line + ": more entries than the checkpoint's " + cp.size()
                        + "; entries were added after it was signed");
            }
            JsonNode row;
            try {
                row = JSON.readTree(text);
            } catch (IOException e) {
                throw new Failed("line " + line + " is not JSON: " + e.getMessage());
            }
            if (!row.path("index").canConvertToExactIntegral() || row.path("index").asLong() != expected) {
                throw new Failed("line " + line + " holds entry " + row.path("index") + " where entry " + expected
                        + " belongs: entries were removed or reordered");
            }
            if (!row.path("entry").isObject()) {
                throw new Failed("line " + line + " (entry " + expected + ") has no entry object");
            }
            String canonical;
            try {
                canonical = Jcs.canonicalize(row.get("entry"));
            } catch (IllegalArgumentException e) {
                throw new Failed("entry " + expected + " cannot be canonicalized: " + e.getMessage());
            }
            inputs.check(expected, row.get("entry"));
            scratch.clear();
            f.append(Merkle.leafHash(canonical.getBytes(StandardCharsets.UTF_8)), scratch);
            if (prev != null && f.size() == prev.size()) {
                prevRoot = f.root();
            }
        }
        if (f.size() < cp.size()) {
            throw new Failed("the entries end after " + f.size() + "; the checkpoint has " + cp.size()
                    + ": entries were removed");
        }
        if (!Arrays.equals(f.root(), cp.root())) {
            throw new Failed("the " + f.size() + " entries do not hash to the checkpoint's root: an entry was changed, "
                    + "removed, added or reordered");
        }
        out.println("entries: " + f.size() + " read, root recomputed: matches the checkpoint");
        out.println("decision inputs: " + inputs.whole + " whole, " + inputs.rebuilt
                + " rebuilt from their patches, each matching its input_sha256");
        if (prev != null) {
            if (!Arrays.equals(prevRoot, prev.root())) {
                throw new Failed("the first " + prev.size() + " entries no longer hash to the previous checkpoint's root: "
                        + "the log was rewritten since then");
            }
            out.println("previous checkpoint (" + prev.size() + " entries): the log still extends it");
        }
    }

    /**
     * Rebuilds the input of every decision entry written as a patch ({@code input_patch}) from the tenant's previous
     * decision entry, which must be its {@code input_base}, and checks it against the entry's {@code input_sha256}.
     * Holds one input per tenant.
     */
    private static final class Inputs {
        private record Last(String decision, JsonNode input) {
        }

        private final Map<String, Last> last = new HashMap<>();
        long whole;
        long rebuilt;

        void check(long index, JsonNode entry) {
            if (!entry.path("kind").asText().equals(Entries.DECISION)) {
                return;
            }
            String tenant = entry.path("tenant").asText();
            String decision = entry.path("decision").asText();
            Last before = last.get(tenant);
            JsonNode input;
            try {
                input = InputPatch.input(entry, before == null ? null : before.decision(), before == null ? null : before.input());
            } catch (IllegalArgumentException e) {
                throw new Failed("entry " + index + " (decision " + decision + "): " + e.getMessage());
            }
            if (input != null) {
                last.put(tenant, new Last(decision, input));
                if (entry.has("input_patch")) {
                    rebuilt++;
                } else {
                    whole++;
                }
            }
        }
    }

    private static HttpRequest request(String uri, @Nullable String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).GET();
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.strip());
        }
        return b.build();
    }

    private static HttpResponse<String> get(HttpClient http, String uri, @Nullable String token)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(uri, token), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            String path = URI.create(uri).getPath();
            throw new Failed("GET " + path + " answered " + r.statusCode() + (r.statusCode() == 401
                    ? " (give a token with the auditor role: --token or WRIT_TOKEN)" : "") + ": " + r.body());
        }
        return r;
    }

    private static String text(HttpResponse<String> r) {
        return r.body();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Failed("cannot read " + file + ": " + e.getMessage());
        }
    }
}
