package io.writ.rego.builtins;

/** Built-ins: Glob (not yet implemented). */
final class Glob {
    private Glob() {
    }

    static void register(Registry.Builder r) {
    }
}
