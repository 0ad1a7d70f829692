package io.writ.connector;

import java.util.Arrays;
import java.util.Optional;

/** The action kinds of DESIGN §5, by their wire names. */
public enum ActionKind {
    DISABLE_SUBSCRIPTION("disable-subscription"),
    DENY_SERVICE("deny-service"),
    ISOLATE_RESOURCE("isolate-resource"),
    LOCK_RESOURCE("lock-resource"),
    REVOKE_ACCESS("revoke-access"),
    NOTIFY("notify");

    private final String wire;

    ActionKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ActionKind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }
}
