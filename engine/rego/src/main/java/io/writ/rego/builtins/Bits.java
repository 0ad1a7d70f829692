package io.writ.rego.builtins;

/** Built-ins: Bits (not yet implemented). */
final class Bits {
    private Bits() {
    }

    static void register(Registry.Builder r) {
    }
}
