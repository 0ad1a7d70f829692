package io.writ.rego.builtins;

/** Built-ins: Regex (not yet implemented). */
final class Regex {
    private Regex() {
    }

    static void register(Registry.Builder r) {
    }
}
