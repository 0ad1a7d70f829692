package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** The severities of DESIGN §5 in rising order, and the verdict ladder allow &lt; monitor &lt; review &lt; enforce. */
final class Severity {
    static final String CRITICAL = "critical";
    static final List<String> SEVERITIES = List.of("low", "medium", "high", CRITICAL);
    static final List<String> VERDICTS = List.of("allow", "monitor", "review", "enforce");

    private Severity() {
    }

    /** The higher of two severities; an unknown one ranks below every known one. */
    static @Nullable String higherSeverity(@Nullable String a, @Nullable String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a;
    }

    static String higherVerdict(String a, String b) {
        return VERDICTS.indexOf(b) > VERDICTS.indexOf(a) ? b : a;
    }

    /** Whether a verdict asks for people to look: review or enforce. */
    static boolean needsCase(@Nullable String verdict) {
        return "review".equals(verdict) || "enforce".equals(verdict);
    }
}
