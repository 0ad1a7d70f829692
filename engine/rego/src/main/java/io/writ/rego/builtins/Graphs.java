package io.writ.rego.builtins;

/** Built-ins: Graphs (not yet implemented). */
final class Graphs {
    private Graphs() {
    }

    static void register(Registry.Builder r) {
    }
}
