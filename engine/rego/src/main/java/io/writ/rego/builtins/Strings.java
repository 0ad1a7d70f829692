package io.writ.rego.builtins;

/** Built-ins: Strings (not yet implemented). */
final class Strings {
    private Strings() {
    }

    static void register(Registry.Builder r) {
    }
}
