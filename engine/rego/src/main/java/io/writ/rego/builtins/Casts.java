package io.writ.rego.builtins;

/** Built-ins: Casts (not yet implemented). */
final class Casts {
    private Casts() {
    }

    static void register(Registry.Builder r) {
    }
}
