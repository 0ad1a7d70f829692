package io.writ.rego.builtins;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The built-in functions known to the compiler and evaluator, by name. Immutable once built. */
public final class Registry {
    private static final Registry STANDARD = buildStandard();

    private final Map<String, Builtin> byName;

    private Registry(Map<String, Builtin> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Every built-in Writ implements; one family per source file. */
    public static Registry standard() {
        return STANDARD;
    }

    private static Registry buildStandard() {
        Builder b = new Builder();
        Comparison.register(b);
        Numbers.register(b);
        Aggregates.register(b);
        ArrayOps.register(b);
        Sets.register(b);
        ObjectOps.register(b);
        Strings.register(b);
        Regex.register(b);
        Glob.register(b);
        Types.register(b);
        Casts.register(b);
        Encoding.register(b);
        JsonOps.register(b);
        Time.register(b);
        Units.register(b);
        Bits.register(b);
        Net.register(b);
        Uuid.register(b);
        Semver.register(b);
        Crypto.register(b);
        Graphs.register(b);
        Unsupported.register(b);
        return b.build();
    }

    /** The built-in of that name, or null. */
    public Builtin get(String name) {
        return byName.get(name);
    }

    public Map<String, Builtin> all() {
        return byName;
    }

    /** Used by the family classes to register their functions. */
    public static final class Builder {
        private final Map<String, Builtin> map = new TreeMap<>();

        public Builder fn(String name, int arity, Builtin.Impl impl) {
            return add(new Builtin(name, arity, impl, false, false));
        }

        /** A built-in whose result may differ between evaluations (time, random, uuid). */
        public Builder nondeterministic(String name, int arity, Builtin.Impl impl) {
            return add(new Builtin(name, arity, impl, false, true));
        }

        /** A built-in with several outputs for the same inputs; the impl returns an array of all of them. */
        public Builder relation(String name, int arity, Builtin.Impl impl) {
            return add(new Builtin(name, arity, impl, true, false));
        }

        public Builder add(Builtin b) {
            if (map.putIfAbsent(b.name(), b) != null) {
                throw new IllegalStateException("built-in registered twice: " + b.name());
            }
            return this;
        }

        public Registry build() {
            return new Registry(new TreeMap<>(map));
        }
    }
}
