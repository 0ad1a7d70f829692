package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

/**
 * Operand checks shared by all built-in families. Errors read exactly like OPA's:
 * {@code "<name>: operand <n> must be <type> but got <type>"}; operands are numbered from 1.
 */
public final class Args {
    private Args() {
    }

    public static BuiltinException typeError(String fn, int index, Value got, String... expected) {
        String want = expected.length == 1 ? expected[0] : "one of {" + String.join(", ", expected) + "}";
        return BuiltinException.type(fn + ": operand " + (index + 1) + " must be " + want + " but got " + got.typeName());
    }

    public static String string(String fn, Value[] args, int i) {
        if (args[i] instanceof StringValue s) {
            return s.value();
        }
        throw typeError(fn, i, args[i], "string");
    }

    public static NumberValue number(String fn, Value[] args, int i) {
        if (args[i] instanceof NumberValue n) {
            return n;
        }
        throw typeError(fn, i, args[i], "number");
    }

    /** An integer operand that fits an int (for indexes, counts and widths). */
    public static int integer(String fn, Value[] args, int i) {
        NumberValue n = number(fn, args, i);
        Integer v = n.isInteger() ? n.intValueExact() : null;
        if (v == null) {
            throw BuiltinException.type(fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        }
        return v;
    }

    public static boolean bool(String fn, Value[] args, int i) {
        if (args[i] instanceof BooleanValue b) {
            return b.value();
        }
        throw typeError(fn, i, args[i], "boolean");
    }

    public static ArrayValue array(String fn, Value[] args, int i) {
        if (args[i] instanceof ArrayValue a) {
            return a;
        }
        throw typeError(fn, i, args[i], "array");
    }

    public static ObjectValue object(String fn, Value[] args, int i) {
        if (args[i] instanceof ObjectValue o) {
            return o;
        }
        throw typeError(fn, i, args[i], "object");
    }

    public static SetValue set(String fn, Value[] args, int i) {
        if (args[i] instanceof SetValue s) {
            return s;
        }
        throw typeError(fn, i, args[i], "set");
    }
}
