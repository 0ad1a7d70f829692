package io.writ.engine.tenants;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds validated signals into a tenant's dossier (DESIGN §4). A {@code tenant} signal sets fields of the
 * tenant object (later signals win field by field); a {@code subscription} signal replaces the subscription
 * with the same id, or adds it. Usage, classifications, population estimates and reports are series: a newer
 * signal for the same series replaces the entry it holds, in place — a pipeline that sends a month's running
 * total every day, or a classifier that revises its confidence, must not have its figures counted twice by
 * policies that sum them. A series is named by {@link #SERIES}: usage by subscription, service, metric, period
 * and dimensions; a classification by subscription, category and source; a population estimate by subscription,
 * subject kind, relationship and source; a report by its id (a report without one is its own series).
 * Attestations are appended, each warrant being its own, unless an identical entry is already there; so is a
 * resent identical entry of any list.
 */
public final class DossierMerger {
    /** Signal type → the dossier list it lands in. */
    static final Map<String, String> LISTS = Map.of(
            "subscription", "subscriptions",
            "usage", "usage",
            "classification", "classifications",
            "population", "population",
            "report", "reports",
            "attestation", "attestations");

    /** Signal type → the fields that name an entry's series (absent: every entry is its own). */
    static final Map<String, List<String>> SERIES = Map.of(
            "usage", List.of("subscription", "service", "metric", "period", "dimensions"),
            "classification", List.of("subscription", "category", "source"),
            "population", List.of("subscription", "subject_kind", "relationship", "source"),
            "report", List.of("id"));

    private static final List<String> LIST_ORDER = List.of("subscriptions", "usage", "classifications", "population",
            "reports", "attestations");

    private DossierMerger() {
    }

    /** A new tenant's dossier: the tenant's id and every list, empty. */
    public static ObjectValue empty(String tenantId) {
        return merge(null, tenantId, List.of());
    }

    /**
     * The dossier after these signals (all of this tenant, in batch order); {@code current} may be null. Lists no
     * signal touches are shared with {@code current}, not copied.
     */
    public static ObjectValue merge(ObjectValue current, String tenantId, List<ObjectValue> signals) {
        Map<String, Value> tenant = new LinkedHashMap<>();
        Map<String, Value> rest = new LinkedHashMap<>();
        Map<String, ArrayValue> before = new HashMap<>();
        if (current != null) {
            for (int i = 0; i < current.size(); i++) {
                String k = ObjectValue.keyText(current.keyAt(i));
                Value v = current.valueAt(i);
                if (k.equals("tenant") && v instanceof ObjectValue t) {
                    putAll(tenant, t);
                } else if (LIST_ORDER.contains(k)) {
                    if (v instanceof ArrayValue a) {
                        before.put(k, a);
                    }
                } else {
                    rest.put(k, v); // whatever else a dossier holds is kept
                }
            }
        }
        tenant.put("id", StringValue.of(tenantId));
        Map<String, List<Value>> lists = new HashMap<>();
        Map<String, Set<Value>> seen = new HashMap<>();
        Map<String, Map<List<Value>, Integer>> index = new HashMap<>();
        for (ObjectValue s : signals) {
            String type = ((StringValue) s.get("type")).value();
            ObjectValue value = entry(s);
            if (type.equals("tenant")) {
                putAll(tenant, value);
                tenant.put("id", StringValue.of(tenantId));
                continue;
            }
            String list = LISTS.get(type);
            List<Value> items = lists.computeIfAbsent(list,
                    l -> new ArrayList<>(before.getOrDefault(l, ArrayValue.EMPTY).items()));
            if (type.equals("subscription")) {
                Value id = value.get("id");
                items.removeIf(x -> x instanceof ObjectValue o && id.equals(o.get("id")));
                items.add(value);
                continue;
            }
            List<String> series = SERIES.get(type);
            if (series != null && !(type.equals("report") && value.get("id") == null)) {
                Map<List<Value>, Integer> at = index.computeIfAbsent(list, k -> positions(items, series));
                List<Value> key = key(value, series);
                Integer i = at.get(key);
                if (i != null) {
                    items.set(i, value);
                } else {
                    at.put(key, items.size());
                    items.add(value);
                }
            } else if (seen.computeIfAbsent(list, k -> new HashSet<>(items)).add(value)) {
                items.add(value);
            }
        }
        Map<String, Value> out = new LinkedHashMap<>(rest);
        out.put("tenant", toObject(tenant));
        for (String l : LIST_ORDER) {
            List<Value> changed = lists.get(l);
            out.put(l, changed != null ? ArrayValue.of(changed) : before.getOrDefault(l, ArrayValue.EMPTY));
        }
        return toObject(out);
    }

    /** A signal as a dossier entry: without its type and tenant. */
    private static ObjectValue entry(ObjectValue signal) {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < signal.size(); i++) {
            String k = ObjectValue.keyText(signal.keyAt(i));
            if (!k.equals("type") && !k.equals("tenant_id")) {
                b.put(signal.keyAt(i), signal.valueAt(i));
            }
        }
        return b.build();
    }

    /** The series an entry belongs to: its values of the naming fields (null where absent). */
    private static List<Value> key(ObjectValue entry, List<String> fields) {
        List<Value> key = new ArrayList<>(fields.size());
        for (String f : fields) {
            key.add(entry.get(f));
        }
        return key;
    }

    /** Where each series' entry is in a list (the last one, should an older dossier hold several). */
    private static Map<List<Value>, Integer> positions(List<Value> items, List<String> fields) {
        Map<List<Value>, Integer> at = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof ObjectValue o) {
                at.put(key(o, fields), i);
            }
        }
        return at;
    }

    private static void putAll(Map<String, Value> into, ObjectValue o) {
        for (int i = 0; i < o.size(); i++) {
            into.put(ObjectValue.keyText(o.keyAt(i)), o.valueAt(i));
        }
    }

    private static ObjectValue toObject(Map<String, Value> m) {
        ObjectValue.Builder b = ObjectValue.builder();
        m.forEach(b::put);
        return b.build();
    }
}
