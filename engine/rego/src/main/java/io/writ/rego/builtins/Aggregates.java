package io.writ.rego.builtins;

/** Built-ins: Aggregates (not yet implemented). */
final class Aggregates {
    private Aggregates() {
    }

    static void register(Registry.Builder r) {
    }
}
