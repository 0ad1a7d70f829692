package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

/**
 * Type built-ins: {@code is_number}, {@code is_string}, {@code is_boolean}, {@code is_array},
 * {@code is_set}, {@code is_object}, {@code is_null} (true or false, never undefined, as in OPA) and
 * {@code type_name}.
 */
final class Types {
    private Types() {
    }

    static void register(Registry.Builder r) {
        is(r, "is_number", NumberValue.class);
        is(r, "is_string", StringValue.class);
        is(r, "is_boolean", BooleanValue.class);
        is(r, "is_array", ArrayValue.class);
        is(r, "is_set", SetValue.class);
        is(r, "is_object", ObjectValue.class);
        is(r, "is_null", NullValue.class);
        r.fn("type_name", 1, (ctx, a) -> StringValue.of(a[0].typeName()));
    }

    private static void is(Registry.Builder r, String name, Class<? extends Value> type) {
        r.fn(name, 1, (ctx, a) -> BooleanValue.of(type.isInstance(a[0])));
    }
}
