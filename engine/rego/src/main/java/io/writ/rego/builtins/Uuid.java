package io.writ.rego.builtins;

/** Built-ins: Uuid (not yet implemented). */
final class Uuid {
    private Uuid() {
    }

    static void register(Registry.Builder r) {
    }
}
