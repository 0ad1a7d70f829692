package io.writ.rego.builtins;

/** Built-ins: Crypto (not yet implemented). */
final class Crypto {
    private Crypto() {
    }

    static void register(Registry.Builder r) {
    }
}
