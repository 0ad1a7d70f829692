package io.writ.engine.tenants;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds validated signals into a tenant's dossier (DESIGN §4). A {@code tenant} signal sets fields of the
 * tenant object (later signals win field by field); a {@code subscription} signal replaces the subscription
 * with the same id, or adds it; every other signal is appended to its list unless an identical entry is
 * already there, so that a pipeline resending what it sent before does not inflate the evidence.
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

    private static final List<String> LIST_ORDER = List.of("subscriptions", "usage", "classifications", "population",
            "reports", "attestations");

    private DossierMerger() {
    }

    /** A new tenant's dossier: the tenant's id and every list, empty. */
    public static ObjectValue empty(String tenantId) {
        return merge(null, tenantId, List.of());
    }

    /** The dossier after these signals (all of this tenant, in batch order); {@code current} may be null. */
    public static ObjectValue merge(ObjectValue current, String tenantId, List<ObjectValue> signals) {
        Map<String, Value> tenant = new LinkedHashMap<>();
        Map<String, Value> rest = new LinkedHashMap<>();
        Map<String, List<Value>> lists = new LinkedHashMap<>();
        for (String l : LIST_ORDER) {
            lists.put(l, new ArrayList<>());
        }
        if (current != null) {
            for (int i = 0; i < current.size(); i++) {
                String k = ObjectValue.keyText(current.keyAt(i));
                Value v = current.valueAt(i);
                if (k.equals("tenant") && v instanceof ObjectValue t) {
                    putAll(tenant, t);
                } else if (lists.containsKey(k) && v instanceof ArrayValue a) {
                    lists.get(k).addAll(a.items());
                } else {
                    rest.put(k, v); // whatever else a dossier holds is kept
                }
            }
        }
        tenant.put("id", StringValue.of(tenantId));
        Map<String, Set<Value>> seen = new LinkedHashMap<>();
        for (ObjectValue s : signals) {
            String type = ((StringValue) s.get("type")).value();
            Map<String, Value> entry = new LinkedHashMap<>();
            putAll(entry, s);
            entry.remove("type");
            entry.remove("tenant_id");
            if (type.equals("tenant")) {
                tenant.putAll(entry);
                tenant.put("id", StringValue.of(tenantId));
                continue;
            }
            String list = LISTS.get(type);
            List<Value> items = lists.get(list);
            ObjectValue value = toObject(entry);
            if (type.equals("subscription")) {
                Value id = value.get("id");
                items.removeIf(x -> x instanceof ObjectValue o && id.equals(o.get("id")));
                items.add(value);
            } else if (seen.computeIfAbsent(list, k -> new HashSet<>(items)).add(value)) {
                items.add(value);
            }
        }
        Map<String, Value> out = new LinkedHashMap<>(rest);
        out.put("tenant", toObject(tenant));
        lists.forEach((k, v) -> out.put(k, ArrayValue.of(v)));
        return toObject(out);
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
