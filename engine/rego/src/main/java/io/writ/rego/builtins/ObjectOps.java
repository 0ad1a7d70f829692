package io.writ.rego.builtins;

/** Built-ins: ObjectOps (not yet implemented). */
final class ObjectOps {
    private ObjectOps() {
    }

    static void register(Registry.Builder r) {
    }
}
