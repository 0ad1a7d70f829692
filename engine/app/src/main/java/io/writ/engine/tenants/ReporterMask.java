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
        return text == null ? null : scrub(text, secrets(dossier));
    }

    /**
     * The value with reporters scrubbed from every string in it, as {@link #scrub(String, ObjectValue)}: for
     * a decision shown outside its case, whose explanations and evidence may quote the dossier.
     */
    public static Value scrub(Value value, ObjectValue dossier) {
        List<String> secrets = secrets(dossier);
        return secrets.isEmpty() ? value : scrubValue(value, secrets);
    }

    private static Value scrubValue(Value v, List<String> secrets) {
        return switch (v) {
            case StringValue s -> StringValue.of(scrub(s.value(), secrets));
            case ArrayValue a -> ArrayValue.of(a.items().stream().map(x -> scrubValue(x, secrets)).toList());
            case ObjectValue o -> {
                ObjectValue.Builder b = ObjectValue.builder();
                for (int i = 0; i < o.size(); i++) {
                    b.put(scrubValue(o.keyAt(i), secrets), scrubValue(o.valueAt(i), secrets));
                }
                yield b.build();
            }
            default -> v;
        };
    }

    private static String scrub(String text, List<String> secrets) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASKED.value());
        }
        return out;
    }

    /** The strings naming reporters in this dossier, longest first ("Jane Roe" before "Jane"). */
    private static List<String> secrets(ObjectValue dossier) {
        List<String> secrets = new ArrayList<>();
        if (dossier.get("reports") instanceof ArrayValue reports) {
            for (Value r : reports.items()) {
                if (r instanceof ObjectValue o && o.get("reporter") != null) {
                    strings(o.get("reporter"), secrets);
                }
            }
        }
        secrets.removeIf(String::isEmpty);
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return secrets;
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
