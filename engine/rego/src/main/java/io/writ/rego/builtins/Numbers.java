package io.writ.rego.builtins;

/** Built-ins: Numbers (not yet implemented). */
final class Numbers {
    private Numbers() {
    }

    static void register(Registry.Builder r) {
    }
}
