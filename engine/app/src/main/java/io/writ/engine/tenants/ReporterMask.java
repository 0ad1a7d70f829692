package io.writ.engine.tenants;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps reporters of external reports ({@code reports[*].reporter}) out of responses and logs: they identify
 * people, and only the case itself may show them (DESIGN §7).
 */
public final class ReporterMask {
    public static final StringValue MASKED = StringValue.of("[masked]");

    private ReporterMask() {
    }

    /** The dossier with every report's reporter replaced by {@code "[masked]"}. */
    public static ObjectValue mask(ObjectValue dossier) {
        if (!(dossier.get("reports") instanceof ArrayValue reports)) {
            return dossier;
        }
        Value[] masked = new Value[reports.size()];
        for (int i = 0; i < masked.length; i++) {
            Value r = reports.get(i);
            masked[i] = r instanceof ObjectValue o && o.get("reporter") != null
                    ? o.toBuilder().put("reporter", MASKED).build() : r;
        }
        return dossier.toBuilder().put("reports", ArrayValue.wrap(masked)).build();
    }

    /**
     * The text with every string found under a reporter of this dossier replaced by {@code [masked]}: for
     * messages that may quote input, such as a policy's evaluation error, before they are logged.
     */
    public static String scrub(String text, ObjectValue dossier) {
        if (text == null || !(dossier.get("reports") instanceof ArrayValue reports)) {
            return text;
        }
        List<String> secrets = new ArrayList<>();
        for (Value r : reports.items()) {
            if (r instanceof ObjectValue o && o.get("reporter") != null) {
                strings(o.get("reporter"), secrets);
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed()); // "Jane Roe" before "Jane"
        String out = text;
        for (String s : secrets) {
            if (!s.isEmpty()) {
                out = out.replace(s, MASKED.value());
            }
        }
        return out;
    }

    private static void strings(Value v, List<String> into) {
        switch (v) {
            case StringValue s -> into.add(s.value());
            case ArrayValue a -> a.items().forEach(x -> strings(x, into));
            case ObjectValue o -> {
                o.keys().forEach(k -> strings(k, into));
                o.values().forEach(x -> strings(x, into));
            }
            default -> {
                // numbers and booleans are quoted as they are; a reporter is named by strings
            }
        }
    }
}
