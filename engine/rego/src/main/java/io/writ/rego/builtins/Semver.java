package io.writ.rego.builtins;

/** Built-ins: Semver (not yet implemented). */
final class Semver {
    private Semver() {
    }

    static void register(Registry.Builder r) {
    }
}
