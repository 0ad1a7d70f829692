package io.writ.rego;

import io.writ.rego.ast.Location;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Policy source that does not compile. Holds every error found, each as
 * {@code file:line:col: rego_<kind>_error: message}, like OPA reports them.
 */
public final class RegoCompileException extends RuntimeException {
    /** One compile error. {@code code} is OPA's: rego_parse_error, rego_unsafe_var_error, rego_type_error, ... */
    public record Error(Location location, String code, String message) {
        @Override
        public String toString() {
            return (location == null ? "" : location + ": ") + code + ": " + message;
        }
    }

    private final List<Error> errors;

    public RegoCompileException(List<Error> errors) {
        super(format(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<Error> errors() {
        return errors;
    }

    private static String format(List<Error> errors) {
        String head = errors.size() == 1 ? "1 error occurred:" : errors.size() + " errors occurred:";
        return head + "\n" + errors.stream().map(Error::toString).collect(Collectors.joining("\n"));
    }
}
