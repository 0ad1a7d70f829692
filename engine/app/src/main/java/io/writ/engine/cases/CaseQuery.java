package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A filter over cases: each list is "any of these" (empty: no filter), the instants bound the creation time.
 * Pages run in (created_at, id) order; {@code after} is where the previous page ended.
 */
record CaseQuery(List<CaseStatus> statuses, List<String> severities, List<String> rules, List<String> tenants,
                 List<String> assignees, @Nullable Instant createdBefore, @Nullable Instant createdAfter,
                 @Nullable Cursor after) {

    /** A position in the (created_at, id) order; opaque to clients. */
    record Cursor(Instant createdAt, String id) {

        String encode() {
            String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor a client sent back; {@link IllegalArgumentException} when it is not one of ours. */
        static Cursor decode(String text) {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            int dot = raw.indexOf('.');
            if (colon < 0 || dot < 0 || dot > colon || colon == raw.length() - 1) {
                throw new IllegalArgumentException("not a cursor");
            }
            Instant at = Instant.ofEpochSecond(Long.parseLong(raw.substring(0, dot)), Long.parseLong(raw.substring(dot + 1, colon)));
            return new Cursor(at, raw.substring(colon + 1));
        }
    }
}
