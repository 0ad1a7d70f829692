package io.writ.rego.ast;

/** One parse error at a position; collected into a {@link io.writ.rego.RegoCompileException}. */
public final class RegoSyntaxError extends RuntimeException {
    private final Location location;

    public RegoSyntaxError(Location location, String message) {
        super(message, null, false, false);
        this.location = location;
    }

    public Location location() {
        return location;
    }
}
