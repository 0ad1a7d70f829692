package io.writ.rego.builtins;

/** Built-ins: Comparison (not yet implemented). */
final class Comparison {
    private Comparison() {
    }

    static void register(Registry.Builder r) {
    }
}
