package io.writ.connector.azure;

import com.azure.resourcemanager.subscription.fluent.models.SubscriptionInner;
import com.azure.resourcemanager.subscription.models.SubscriptionState;
import io.writ.connector.Action;
import io.writ.connector.Applied;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code disable-subscription}: Microsoft.Subscription's cancel, which disables every resource in the subscription;
 * revert is its enable. Azure deletes a cancelled subscription's data after the retention period, so
 * {@link Applied#irreversibleAfter()} is the cancel time plus {@code data-retention-days}.
 */
final class SubscriptionCancel implements ArmAction {
    private final ArmClients arm;
    private final Duration retention;
    private final Clock clock;

    SubscriptionCancel(ArmClients arm, Duration retention, Clock clock) {
        this.arm = arm;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        ArmId id = ArmId.subscriptionOf(action);
        SubscriptionInner s = read(id);
        return new TargetDescription(AzureConnector.NAME, id.scope(), id.id(),
                Json.object("displayName", s.displayName(), "state", state(s)));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        TargetDescription target = describe(action);
        String now = Json.text(target.details(), "state");
        return new Preview(target, Json.object("state", now), Json.object("state", "Disabled"),
                "cancel subscription " + target.id() + " (now " + now + "); Azure deletes its data "
                        + retention.toDays() + " days after cancellation unless it is re-enabled");
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        ArmId id = ArmId.subscriptionOf(action);
        String before = state(read(id));
        if (SubscriptionState.DELETED.toString().equals(before)) {
            throw new ConnectorException(ConnectorException.Kind.FINAL, "SubscriptionDeleted", 0,
                    "subscription " + id.subscriptionId() + " is already deleted", null, null);
        }
        if (SubscriptionState.DISABLED.toString().equals(before)) {
            // A repeat after a crash looks like this, and so does a subscription disabled by someone else; either
            // way nothing is done now, and when the cancellation happened (so when its data goes) is unknown.
            return new Applied(Json.object("state", before, "cancelled", false),
                    Json.object("state", before, "note", "already Disabled when Writ applied " + idempotencyKey),
                    true, Optional.empty());
        }
        Instant cancelledAt = clock.instant();
        arm.subscriptionOperations().cancel(id.subscriptionId());
        return new Applied(
                Json.object("state", "Disabled", "cancelled", true, "subscriptionId", id.subscriptionId(),
                        "cancelledAt", cancelledAt.toString()),
                Json.object("state", before), false, Optional.of(cancelledAt.plus(retention)));
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        ArmId id = ArmId.subscriptionOf(action);
        String now = state(read(id));
        return new Verification(SubscriptionState.DISABLED.toString().equals(now), Json.object("state", now),
                "subscription " + id.subscriptionId() + " is " + now);
    }

    @Override
    public Reverted revert(Action action, Applied applied) throws ConnectorException {
        ArmId id = ArmId.subscriptionOf(action);
        String now = state(read(id));
        if (!SubscriptionState.DISABLED.toString().equals(now)) {
            return new Reverted(Json.object("state", now), true);
        }
        arm.subscriptionOperations().enable(id.subscriptionId());
        return new Reverted(Json.object("state", "Enabled", "subscriptionId", id.subscriptionId()), false);
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        ArmId id = ArmId.subscriptionOf(action);
        String now = state(read(id));
        boolean ok = !SubscriptionState.DISABLED.toString().equals(now)
                && !SubscriptionState.DELETED.toString().equals(now);
        return new Verification(ok, Json.object("state", now), "subscription " + id.subscriptionId() + " is " + now);
    }

    private SubscriptionInner read(ArmId id) {
        return arm.subscriptions().get(id.subscriptionId());
    }

    private static String state(SubscriptionInner s) {
        return s.state() == null ? "Unknown" : s.state().toString();
    }
}
