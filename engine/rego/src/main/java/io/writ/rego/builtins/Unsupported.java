package io.writ.rego.builtins;

/**
 * Built-ins OPA has that Writ deliberately does not run: they reach the network or need key material
 * that policies here must not hold. They are known to the compiler so that policies using them compile
 * and can be tested with {@code with http.send as mock}; called for real they fail with a clear error
 * (undefined unless strict built-in errors are on). {@code opa.runtime} returns an empty object.
 */
final class Unsupported {
    private Unsupported() {
    }

    static void register(Registry.Builder r) {
        unsupported(r, "http.send", 1, "policies may not make network calls");
        unsupported(r, "net.lookup_ip_addr", 1, "policies may not make network calls");
        unsupported(r, "io.jwt.decode_verify", 2, "token verification belongs in the service, not in policy");
        // There is no OPA runtime inside Writ: policies see an empty runtime document, never the
        // service's environment or configuration.
        r.nondeterministic("opa.runtime", 0, (ctx, args) -> io.writ.rego.value.ObjectValue.EMPTY);
    }

    private static void unsupported(Registry.Builder r, String name, int arity, String why) {
        r.nondeterministic(name, arity, (ctx, args) -> {
            throw BuiltinException.error(name + ": not supported by Writ: " + why);
        });
    }
}
