package io.writ.rego.builtins;

/** Built-ins: ArrayOps (not yet implemented). */
final class ArrayOps {
    private ArrayOps() {
    }

    static void register(Registry.Builder r) {
    }
}
