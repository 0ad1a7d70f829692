package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.cases.CaseRow;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notice to a tenant, generated when a case is approved: which clause was broken, the facts relied on, what will
 * be restricted and for how long, when, and how to appeal. Kept on the plan as JSON with its text, which is the
 * template {@code writ.enforcement.notice-template} (a file; the bundled {@code notice-template.txt} by default) with
 * its placeholders filled: {@code ${case}}, {@code ${tenant}}, {@code ${clause}}, {@code ${rule}}, {@code ${facts}},
 * {@code ${actions}}, {@code ${scope}}, {@code ${duration}}, {@code ${effective}}, {@code ${appeal}}.
 */
@Singleton
final class Notices {
    static final String DURATION = "until the restriction is lifted on appeal (then every change is reverted exactly), "
            + "or the case is closed";
    static final List<String> PLACEHOLDERS = List.of("case", "tenant", "clause", "rule", "facts", "actions", "scope",
            "duration", "effective", "appeal");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z]+)}");

    private final String template;
    private final String appealContact;

    Notices(@Value("${writ.enforcement.notice-template:}") String templateFile, EnforcementSettings settings) {
        this.template = templateFile == null || templateFile.isBlank() ? bundled() : read(Path.of(templateFile));
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalStateException("writ.enforcement.notice-template: unknown placeholder ${" + m.group(1)
                        + "}; the placeholders are " + PLACEHOLDERS);
            }
        }
        this.appealContact = settings.appealContact();
    }

    private static String bundled() {
        try (InputStream in = Notices.class.getResourceAsStream("notice-template.txt")) {
            return new String(Objects.requireNonNull(in, "notice-template.txt").readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("writ.enforcement.notice-template: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    ObjectNode notice(CaseRecord r, CaseRow.Proposal p, ArrayNode facts, Duration period, Instant executeAfter, Instant now) {
        CaseRow c = r.row();
        ObjectNode n = PlanJson.object();
        n.put("tenant", c.tenantId());
        n.put("case", c.id());
        n.put("clause", p.clause());
        n.put("rule", c.rule());
        n.set("facts", facts);
        n.set("scope", PlanJson.jackson(p.scope()));
        n.set("actions", PlanJson.jackson(p.actions()));
        n.put("duration", DURATION);
        n.put("notice_period", period.toString());
        n.put("effective_from", executeAfter.toString());
        n.put("appeal", appeal(c.id(), appealContact));
        n.put("issued_at", now.toString());
        n.put("text", text(c, p, facts, period, executeAfter));
        return n;
    }

    static String appeal(String caseId, String contact) {
        return "Appeal by writing to " + contact + " quoting case " + caseId + ", with any evidence that the use is lawful "
                + "or covered by an authorisation; a person who took no part in the decision reviews it, and on a "
                + "successful appeal every change is reverted.";
    }

    private String text(CaseRow c, CaseRow.Proposal p, ArrayNode facts, Duration period, Instant executeAfter) {
        List<String> what = new ArrayList<>();
        for (JsonNode a : PlanJson.jackson(p.actions())) {
            what.add(describe(a));
        }
        List<String> why = new ArrayList<>();
        for (JsonNode f : facts) {
            if (f.hasNonNull("explanation")) {
                why.add("- " + f.get("explanation").asText());
            }
        }
        Map<String, String> values = Map.of("case", c.id(), "tenant", c.tenantId(), "clause", p.clause(), "rule", c.rule(),
                "facts", why.isEmpty() ? "- (see the case's evidence)" : String.join("\n", why),
                "actions", String.join("; ", what), "scope", PlanJson.text(PlanJson.jackson(p.scope())),
                "duration", DURATION,
                "effective", period.isZero() ? "The restriction takes effect at once; this rule allows no notice period."
                        : "The restriction takes effect on " + executeAfter + " (notice period " + period + ").",
                "appeal", appeal(c.id(), appealContact));
        return PLACEHOLDER.matcher(template).replaceAll(m -> Matcher.quoteReplacement(values.get(m.group(1))));
    }

    /** One action in words: "disable-subscription on subscription sub-a". */
    static String describe(JsonNode a) {
        StringBuilder b = new StringBuilder(a.path("action").asText("?"));
        List<String> on = new ArrayList<>();
        a.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("action")) {
                on.add(e.getKey() + " " + (e.getValue().isTextual() ? e.getValue().asText() : PlanJson.text(e.getValue())));
            }
        });
        return on.isEmpty() ? b.toString() : b.append(" on ").append(String.join(", ", on)).toString();
    }
}
