package io.writ.rego;

import io.writ.rego.ast.Location;

/**
 * An evaluation error with OPA's code: {@code eval_conflict_error}, {@code eval_type_error},
 * {@code eval_builtin_error}, or Writ's {@code eval_limit_error} for a policy stopped by a limit.
 */
public final class RegoEvalException extends RuntimeException {
    private final String code;
    private final Location location;
    private final String detail;

    public RegoEvalException(String code, Location location, String detail) {
        super((location == null ? "" : location.file() + ":" + location.line() + ": ") + code + ": " + detail, null,
                false, false);
        this.code = code;
        this.location = location;
        this.detail = detail;
    }

    public String code() {
        return code;
    }

    public Location location() {
        return location;
    }

    /** The message without position and code. */
    public String detail() {
        return detail;
    }
}
