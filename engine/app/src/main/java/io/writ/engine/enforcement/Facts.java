package io.writ.engine.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.writ.engine.cases.CaseRecord;
import io.writ.engine.tenants.ReporterMask;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.Value;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The facts and circumstances of a case as they may leave it — in a notice to the tenant or a statement of reasons:
 * each violation's explanation, indicators and evidence, with every reporter of an external report removed (DESIGN §7:
 * reporters stay in the case record) and any string naming one masked.
 */
final class Facts {
    private Facts() {
    }

    /** One entry per violation of the case's evidence, newest decision last. */
    static ArrayNode of(CaseRecord r, Optional<ObjectValue> dossier) {
        ArrayNode out = PlanJson.MAPPER.createArrayNode();
        Set<String> seen = new LinkedHashSet<>();
        for (CaseRecord.Evidence e : r.evidence()) {
            Value v = dossier.map(d -> ReporterMask.scrub(e.violation(), d)).orElse(e.violation());
            JsonNode violation = withoutReporters(PlanJson.jackson(v));
            ObjectNode f = PlanJson.object();
            f.put("decision_id", e.decisionId());
            f.put("decided_at", e.decidedAt().toString());
            f.put("verdict", e.verdict());
            copy(violation, f, "rule", "clause", "severity", "confidence", "indicators", "evidence", "explanation");
            // the same violation decided again adds nothing new to read
            if (seen.add(PlanJson.text(f.deepCopy().without(java.util.List.of("decision_id", "decided_at"))))) {
                out.add(f);
            }
        }
        return out;
    }

    /** Whether detection relied on automated sources (classifiers, policy evaluation of signals): always for Writ. */
    static Set<String> sources(ArrayNode facts) {
        Set<String> sources = new LinkedHashSet<>();
        for (JsonNode f : facts) {
            for (JsonNode e : f.path("evidence")) {
                if (e.hasNonNull("kind")) {
                    sources.add(e.get("kind").asText());
                }
            }
        }
        return sources;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f)) {
                to.set(f, from.get(f));
            }
        }
    }

    /** The tree without any {@code reporter} member, at any depth. */
    static JsonNode withoutReporters(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("reporter");
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                strip(it.next());
            }
        } else if (n.isArray()) {
            n.forEach(Facts::strip);
        }
    }
}
