package io.writ.rego.ast;

import java.util.List;

/**
 * A parse error at a position; collected into a {@link io.writ.rego.RegoCompileException}. A module with
 * several broken rules throws the first, carrying all of them in {@link #all()}.
 */
public final class RegoSyntaxError extends RuntimeException {
    private final Location location;
    private final List<RegoSyntaxError> all;

    public RegoSyntaxError(Location location, String message) {
        this(location, message, null);
    }

    private RegoSyntaxError(Location location, String message, List<RegoSyntaxError> all) {
        super(message, null, false, false);
        this.location = location;
        this.all = all;
    }

    static RegoSyntaxError of(List<RegoSyntaxError> errors) {
        RegoSyntaxError first = errors.get(0);
        return new RegoSyntaxError(first.location, first.getMessage(), List.copyOf(errors));
    }

    public Location location() {
        return location;
    }

    /** Every error found in the module, this one first. */
    public List<RegoSyntaxError> all() {
        return all == null ? List.of(this) : all;
    }
}
