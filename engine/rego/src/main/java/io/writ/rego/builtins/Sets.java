package io.writ.rego.builtins;

/** Built-ins: Sets (not yet implemented). */
final class Sets {
    private Sets() {
    }

    static void register(Registry.Builder r) {
    }
}
