package io.writ.rego.builtins;

/** Built-ins: Types (not yet implemented). */
final class Types {
    private Types() {
    }

    static void register(Registry.Builder r) {
    }
}
