package io.writ.rego.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

/** Builds a deterministic tenant dossier of roughly 20 KB for the decision benchmark. */
public final class Dossiers {
    private static final String[] SERVICES = {"storage", "speech-to-text", "translation", "face", "compute", "gpu"};
    private static final String[] METRICS = {"stored_bytes", "audio_hours", "characters", "identification_calls",
            "vcpu_hours", "gpu_hours"};
    private static final String[] CATEGORIES = {"intercepted-communications", "call-records", "web-analytics",
            "messaging-content", "retail", "logistics"};

    private Dossiers() {
    }

    public static String json(int subscriptions) {
        Random r = new Random(42);
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode d = f.objectNode();
        d.putObject("tenant").put("id", "tnt-001").put("name", "Example Ministry").put("segment", "government-intelligence")
                .put("country", "XX");
        ArrayNode subs = d.putArray("subscriptions");
        ArrayNode usage = d.putArray("usage");
        ArrayNode cls = d.putArray("classifications");
        ArrayNode pop = d.putArray("population");
        for (int i = 0; i < subscriptions; i++) {
            String id = "sub-" + i;
            ObjectNode s = subs.addObject().put("id", id).put("name", "workload " + i).put("provider", "azure")
                    .put("state", "active").put("region", i % 2 == 0 ? "westeurope" : "eastus");
            s.putArray("services").add("storage").add(SERVICES[1 + i % 5]);
            for (int m = 0; m < 3; m++) {
                int k = (i + m) % SERVICES.length;
                ObjectNode u = usage.addObject().put("subscription", id).put("service", SERVICES[k]).put("metric", METRICS[k])
                        .put("value", (i % 4 == 0 ? 5e15 : 1000.0) * (1 + r.nextInt(20)));
                u.putObject("period").put("start", "2025-07-01T00:00:00Z").put("end", "2025-07-31T00:00:00Z");
                u.putObject("dimensions").put("sku", "S" + m);
            }
            cls.addObject().put("subscription", id).put("category", CATEGORIES[i % CATEGORIES.length])
                    .put("confidence", 0.5 + r.nextInt(50) / 100.0).put("source", "metadata-classifier");
            pop.addObject().put("subscription", id).put("distinct_subjects", 1000 + r.nextInt(3_000_000))
                    .put("subject_kind", "phone-number").put("relationship", i % 3 == 0 ? "third-party" : "own-customers")
                    .put("civilian_share", r.nextInt(100) / 100.0).put("source", "estimate");
        }
        ArrayNode reports = d.putArray("reports");
        reports.addObject().put("id", "rep-1").put("kind", "press").put("source", "newspaper").put("received", "2025-08-06T00:00:00Z")
                .put("allegation", "mass-surveillance-of-civilians").put("credibility", "high").put("corroborated", true)
                .putObject("reporter").put("name", "A. Person").put("contact", "a@example.org");
        reports.addObject().put("id", "rep-2").put("kind", "ngo").put("source", "watchdog").put("received", "2025-08-07T00:00:00Z")
                .put("allegation", "malware").put("credibility", "medium").put("corroborated", false);
        ArrayNode att = d.putArray("attestations");
        att.addObject().put("kind", "lawful-intercept-warrant").put("subscription", "sub-3").put("scope_subjects", 40)
                .put("issuer", "court").put("valid_until", "2026-01-01T00:00:00Z");
        return d.toString();
    }
}
