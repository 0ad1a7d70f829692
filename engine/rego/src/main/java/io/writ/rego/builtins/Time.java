package io.writ.rego.builtins;

/** Built-ins: Time (not yet implemented). */
final class Time {
    private Time() {
    }

    static void register(Registry.Builder r) {
    }
}
