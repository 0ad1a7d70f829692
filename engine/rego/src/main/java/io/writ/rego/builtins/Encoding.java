package io.writ.rego.builtins;

/** Built-ins: Encoding (not yet implemented). */
final class Encoding {
    private Encoding() {
    }

    static void register(Registry.Builder r) {
    }
}
