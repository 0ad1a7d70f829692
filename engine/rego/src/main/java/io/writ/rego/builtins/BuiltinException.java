package io.writ.rego.builtins;

/**
 * A built-in's error. {@link Kind#TYPE} becomes OPA's {@code eval_type_error}, {@link Kind#BUILTIN}
 * {@code eval_builtin_error}. The message starts with the built-in's name, as OPA's do:
 * {@code "count: operand 1 must be one of {array, object, set, string} but got number"}.
 */
public final class BuiltinException extends RuntimeException {
    public enum Kind { TYPE, BUILTIN }

    private final Kind kind;

    public BuiltinException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return kind == Kind.TYPE ? "eval_type_error" : "eval_builtin_error";
    }

    public static BuiltinException type(String message) {
        return new BuiltinException(Kind.TYPE, message);
    }

    public static BuiltinException error(String message) {
        return new BuiltinException(Kind.BUILTIN, message);
    }
}
