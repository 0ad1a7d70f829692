package io.writ.rego.builtins;

/** Built-ins: Net (not yet implemented). */
final class Net {
    private Net() {
    }

    static void register(Registry.Builder r) {
    }
}
