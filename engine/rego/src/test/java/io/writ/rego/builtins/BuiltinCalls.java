package io.writ.rego.builtins;

import io.writ.rego.value.Json;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.Value;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Calls into the standard registry, for the tests of every built-in family. */
final class BuiltinCalls {
    private BuiltinCalls() {
    }

    /** Calls a built-in by name; null means undefined. */
    static Value call(String fn, Value... args) {
        Builtin b = Registry.standard().get(fn);
        if (b == null) {
            throw new AssertionError("not registered: " + fn);
        }
        if (b.arity() != args.length) {
            throw new AssertionError(fn + " takes " + b.arity() + " operands, not " + args.length);
        }
        return b.impl().call(BuiltinContext.fixed(0), args);
    }

    /** A value from JSON text. */
    static Value json(String text) {
        return Json.parse(text);
    }

    /** A number, written exactly. */
    static NumberValue num(String text) {
        return NumberValue.parse(text);
    }

    static SetValue set(Value... elems) {
        return SetValue.of(elems);
    }

    /** Asserts that the call fails with this kind and exact message. */
    static void fails(BuiltinException.Kind kind, String message, String fn, Value... args) {
        assertThatThrownBy(() -> call(fn, args))
                .isInstanceOfSatisfying(BuiltinException.class, e -> {
                    if (e.kind() != kind) {
                        throw new AssertionError("expected " + kind + " but got " + e.kind() + ": " + e.getMessage());
                    }
                })
                .hasMessage(message);
    }

    static void typeError(String message, String fn, Value... args) {
        fails(BuiltinException.Kind.TYPE, message, fn, args);
    }

    static void builtinError(String message, String fn, Value... args) {
        fails(BuiltinException.Kind.BUILTIN, message, fn, args);
    }
}
