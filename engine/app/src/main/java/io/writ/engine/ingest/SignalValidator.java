package io.writ.engine.ingest;

import io.writ.engine.audit.EntryMask;
import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.TimestampText;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks signals against the dossier schema (DESIGN §4): the signal's {@code type} and {@code tenant_id}, then
 * the fields of the matching dossier entry — required fields, JSON types, enumerations and ranges. Fields it
 * does not know are kept as they are. Every problem is reported with a JSON pointer into the batch; details
 * name fields and expected forms, never the posted values of free-text fields (a reporter's name must not
 * come back in an error).
 */
public final class SignalValidator {
    /** One invalid field: where (RFC 6901 pointer into the batch) and what is wrong. */
    public record FieldError(String pointer, String detail) {
        public Map<String, Object> toMember() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pointer", pointer);
            m.put("detail", detail);
            return m;
        }
    }

    public static final int MAX_ID_LENGTH = 255;
    /** A signal is metadata, never content: its JSON is at most this long (and is stored inline, not as a LOB). */
    public static final int MAX_SIGNAL_CHARS = 65_536;

    static final Set<String> SEGMENTS = Set.of("enterprise", "smb", "consumer", "government-civilian",
            "government-defense", "government-intelligence", "law-enforcement", "telecom", "ngo", "research",
            "healthcare", "education");
    static final Set<String> CREDIBILITY = Set.of("low", "medium", "high");
    static final Set<String> SUBSCRIPTION_STATES = Set.of("active", "disabled", "suspended");
    static final Set<String> RELATIONSHIPS = Set.of("own-customers", "own-users", "own-employees",
            "consenting-participants", "third-party", "unknown");
    static final Set<String> ALLEGATIONS = Set.of("mass-surveillance-of-civilians", "biometric-identification-in-public",
            "malware", "botnet", "phishing", "spam", "cryptomining", "csam", "sanctions", "other");

    /** A check of one field's value; adds to {@code errors} what is wrong. */
    @FunctionalInterface
    private interface Check {
        void check(Value v, String pointer, List<FieldError> errors);
    }

    private record Field(String name, boolean required, Check check) {
    }

    private static final Map<String, List<Field>> FIELDS = Map.of(
            "tenant", List.of(
                    optional("id", SignalValidator::string),
                    optional("name", SignalValidator::string),
                    optional("segment", oneOf(SEGMENTS)),
                    optional("country", SignalValidator::string)),
            "subscription", List.of(
                    required("id", SignalValidator::id),
                    optional("name", SignalValidator::string),
                    optional("provider", SignalValidator::string),
                    optional("state", oneOf(SUBSCRIPTION_STATES)),
                    optional("region", SignalValidator::string),
                    optional("services", SignalValidator::strings)),
            "usage", List.of(
                    required("subscription", SignalValidator::id),
                    required("service", SignalValidator::id),
                    required("metric", SignalValidator::id),
                    required("value", SignalValidator::nonNegative),
                    required("period", SignalValidator::period),
                    optional("dimensions", SignalValidator::object)),
            "classification", List.of(
                    required("subscription", SignalValidator::id),
                    required("category", SignalValidator::id),
                    required("confidence", SignalValidator::fraction),
                    optional("source", SignalValidator::string)),
            "population", List.of(
                    required("subscription", SignalValidator::id),
                    required("distinct_subjects", SignalValidator::count),
                    optional("subject_kind", SignalValidator::string),
                    optional("relationship", oneOf(RELATIONSHIPS)),
                    optional("civilian_share", SignalValidator::fraction),
                    optional("source", SignalValidator::string)),
            "report", List.of(
                    required("id", SignalValidator::id),
                    optional("kind", SignalValidator::string),
                    optional("source", SignalValidator::string),
                    optional("received", SignalValidator::timestamp),
                    required("allegation", oneOf(ALLEGATIONS)),
                    optional("credibility", oneOf(CREDIBILITY)),
                    optional("corroborated", SignalValidator::bool),
                    optional("reporter", SignalValidator::object)),
            "attestation", List.of(
                    required("kind", SignalValidator::id),
                    optional("subscription", SignalValidator::id),
                    optional("scope_subjects", SignalValidator::count),
                    optional("issuer", SignalValidator::string),
                    optional("valid_until", SignalValidator::timestamp)));

    /** The signal types, sorted, as error messages list them. */
    public static final Set<String> TYPES = new TreeSet<>(FIELDS.keySet());

    private SignalValidator() {
    }

    /** Every problem of every signal in the batch; empty when the batch is valid. */
    public static List<FieldError> validate(List<Value> signals) {
        return validate(signals, texts(signals));
    }

    /** Each signal's compact JSON: what the signal log stores, and what the size limit applies to. */
    public static List<String> texts(List<Value> signals) {
        List<String> texts = new ArrayList<>(signals.size());
        for (Value s : signals) {
            texts.add(s.toJsonString());
        }
        return texts;
    }

    /** As {@link #validate(List)}, with the signals' {@link #texts} at hand. */
    public static List<FieldError> validate(List<Value> signals, List<String> texts) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < signals.size(); i++) {
            validate(signals.get(i), texts.get(i), "/" + i, errors);
        }
        return errors;
    }

    private static void validate(Value signal, String text, String at, List<FieldError> errors) {
        if (!(signal instanceof ObjectValue o)) {
            errors.add(new FieldError(at, "a signal must be a JSON object, not " + signal.typeName()));
            return;
        }
        int length = text.length();
        if (length > MAX_SIGNAL_CHARS) {
            errors.add(new FieldError(at, "is " + length + " characters of JSON; a signal holds metadata and is at most "
                    + MAX_SIGNAL_CHARS));
            return;
        }
        finite(o, at, errors);
        Value type = o.get("type");
        List<Field> fields = null;
        if (type == null) {
            errors.add(new FieldError(at + "/type", "is required"));
        } else if (!(type instanceof StringValue t)) {
            errors.add(new FieldError(at + "/type", "must be a string, not " + type.typeName()));
        } else {
            fields = FIELDS.get(t.value());
            if (fields == null) {
                errors.add(new FieldError(at + "/type", "'" + clip(t.value()) + "' is not a signal type; types are "
                        + String.join(", ", TYPES)));
            }
        }
        Value tenant = o.get("tenant_id");
        if (tenant == null) {
            errors.add(new FieldError(at + "/tenant_id", "is required"));
        } else {
            id(tenant, at + "/tenant_id", errors);
        }
        if (fields == null) {
            return;
        }
        for (Field f : fields) {
            Value v = o.get(f.name());
            if (v == null) {
                if (f.required()) {
                    errors.add(new FieldError(at + "/" + f.name(), "is required for a " + ((StringValue) type).value() + " signal"));
                }
            } else {
                f.check().check(v, at + "/" + f.name(), errors);
            }
        }
        // a tenant signal describes the tenant named by tenant_id; a different id would be a second tenant
        if (fields == FIELDS.get("tenant") && o.get("id") instanceof StringValue id && tenant instanceof StringValue tid
                && !id.value().equals(tid.value())) {
            errors.add(new FieldError(at + "/id", "must equal tenant_id when given"));
        }
    }

    /**
     * Numbers anywhere in the signal, known fields or not, must lie within the range of a double (I-JSON, RFC 7493
     * §2.2): the dossier's canonical text and the decision's audit entry (RFC 8785) have no form for others, and a
     * signal accepted with one could never be decided.
     */
    private static void finite(Value v, String at, List<FieldError> errors) {
        switch (v) {
            case NumberValue n when Double.isInfinite(n.doubleValue()) ->
                    errors.add(new FieldError(at, "is beyond the range of a double (I-JSON, RFC 7493)"));
            case ObjectValue o -> {
                for (int k = 0; k < o.size(); k++) {
                    if (worthALook(o.valueAt(k))) {
                        finite(o.valueAt(k), at + "/" + EntryMask.pointerToken(ObjectValue.keyText(o.keyAt(k))), errors);
                    }
                }
            }
            case ArrayValue a -> {
                for (int i = 0; i < a.size(); i++) {
                    if (worthALook(a.get(i))) {
                        finite(a.get(i), at + "/" + i, errors);
                    }
                }
            }
            default -> {
            }
        }
    }

    /** A value that is, or may hold, a number out of range: its pointer is worth building (ingest's hot path). */
    private static boolean worthALook(Value v) {
        return v instanceof ObjectValue || v instanceof ArrayValue
                || v instanceof NumberValue n && Double.isInfinite(n.doubleValue());
    }

    private static Field required(String name, Check check) {
        return new Field(name, true, check);
    }

    private static Field optional(String name, Check check) {
        return new Field(name, false, check);
    }

    private static void string(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof StringValue)) {
            errors.add(new FieldError(at, "must be a string, not " + v.typeName()));
        }
    }

    /** A non-empty identifier that fits the database's key columns. */
    private static void id(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof StringValue s)) {
            errors.add(new FieldError(at, "must be a string, not " + v.typeName()));
        } else if (s.value().isBlank()) {
            errors.add(new FieldError(at, "must not be empty"));
        } else if (s.value().length() > MAX_ID_LENGTH) {
            errors.add(new FieldError(at, "must be at most " + MAX_ID_LENGTH + " characters"));
        }
    }

    private static void strings(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof ArrayValue a)) {
            errors.add(new FieldError(at, "must be an array of strings, not " + v.typeName()));
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            string(a.get(i), at + "/" + i, errors);
        }
    }

    private static void object(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof ObjectValue)) {
            errors.add(new FieldError(at, "must be an object, not " + v.typeName()));
        }
    }

    private static void bool(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof BooleanValue)) {
            errors.add(new FieldError(at, "must be a boolean, not " + v.typeName()));
        }
    }

    private static void nonNegative(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof NumberValue n)) {
            errors.add(new FieldError(at, "must be a number, not " + v.typeName()));
        } else if (n.signum() < 0) {
            errors.add(new FieldError(at, "must not be negative"));
        }
    }

    private static void count(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof NumberValue n)) {
            errors.add(new FieldError(at, "must be a number, not " + v.typeName()));
        } else if (!n.isInteger()) {
            errors.add(new FieldError(at, "must be a whole number"));
        } else if (n.signum() < 0) {
            errors.add(new FieldError(at, "must not be negative"));
        }
    }

    private static void fraction(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof NumberValue n)) {
            errors.add(new FieldError(at, "must be a number, not " + v.typeName()));
        } else if (n.signum() < 0 || n.bigDecimal().compareTo(BigDecimal.ONE) > 0) {
            errors.add(new FieldError(at, "must be between 0 and 1"));
        }
    }

    private static void timestamp(Value v, String at, List<FieldError> errors) {
        instant(v, at, errors);
    }

    /** The timestamp, or null after reporting why it is not one. */
    private static OffsetDateTime instant(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof StringValue s)) {
            errors.add(new FieldError(at, "must be an ISO-8601 timestamp string, not " + v.typeName()));
            return null;
        }
        try {
            OffsetDateTime quick = commonTimestamp(s.value());
            return quick != null ? quick : OffsetDateTime.parse(s.value(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeException e) { // a DateTimeParseException, or an impossible date or time
            errors.add(new FieldError(at, "must be an ISO-8601 timestamp with an offset, like 2025-07-01T00:00:00Z"));
            return null;
        }
    }

    /**
     * The timestamp, when it has the shape pipelines send — {@code 2025-07-01T00:00:00Z}, optionally with a fraction
     * of up to nine digits and a {@code ±hh:mm} offset — read directly (DateTimeFormatter takes microseconds and
     * allocates a parse context per call); null for any other text, which {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}
     * then reads. Throws {@link DateTimeException} for an impossible date or time, as that formatter does.
     */
    static OffsetDateTime commonTimestamp(String t) {
        TimestampText f = TimestampText.read(t);
        if (f == null || Math.abs(f.offsetSeconds()) > 18 * 3600) {
            return null; // the formatter explains the offset's range
        }
        return OffsetDateTime.of(f.year(), f.month(), f.day(), f.hour(), f.minute(), f.second(), f.nanos(),
                ZoneOffset.ofTotalSeconds(f.offsetSeconds()));
    }

    private static void period(Value v, String at, List<FieldError> errors) {
        if (!(v instanceof ObjectValue o)) {
            errors.add(new FieldError(at, "must be an object with start and end, not " + v.typeName()));
            return;
        }
        OffsetDateTime start = null;
        OffsetDateTime end = null;
        if (o.get("start") == null) {
            errors.add(new FieldError(at + "/start", "is required"));
        } else {
            start = instant(o.get("start"), at + "/start", errors);
        }
        if (o.get("end") == null) {
            errors.add(new FieldError(at + "/end", "is required"));
        } else {
            end = instant(o.get("end"), at + "/end", errors);
        }
        if (start != null && end != null && !start.isBefore(end)) {
            errors.add(new FieldError(at, "start must be before end"));
        }
    }

    private static Check oneOf(Set<String> allowed) {
        String list = String.join(", ", new TreeSet<>(allowed));
        return (v, at, errors) -> {
            if (!(v instanceof StringValue s)) {
                errors.add(new FieldError(at, "must be a string, not " + v.typeName()));
            } else if (!allowed.contains(s.value())) {
                errors.add(new FieldError(at, "'" + clip(s.value()) + "' is not one of " + list));
            }
        };
    }

    /** Enumeration values are echoed, but never at length. */
    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
