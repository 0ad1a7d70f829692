package io.writ.rego.builtins;

/** Built-ins: JsonOps (not yet implemented). */
final class JsonOps {
    private JsonOps() {
    }

    static void register(Registry.Builder r) {
    }
}
