package io.writ.rego.builtins;

/** Built-ins: Units (not yet implemented). */
final class Units {
    private Units() {
    }

    static void register(Registry.Builder r) {
    }
}
