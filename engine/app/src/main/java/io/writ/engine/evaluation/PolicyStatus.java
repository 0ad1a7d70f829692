package io.writ.engine.evaluation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A policy engine's state as {@code /health} reports it: up or not, and details (revision, last error...). */
public record PolicyStatus(boolean up, Map<String, Object> details) {
    public PolicyStatus {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details)); // in the order given, for readers
    }
}
