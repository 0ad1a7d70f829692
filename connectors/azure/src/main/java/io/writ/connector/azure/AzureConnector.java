package io.writ.connector.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.azure.core.credential.TokenCredential;
import io.writ.connector.Action;
import io.writ.connector.ActionKind;
import io.writ.connector.Applied;
import io.writ.connector.Connector;
import io.writ.connector.ConnectorException;
import io.writ.connector.Preview;
import io.writ.connector.Reverted;
import io.writ.connector.TargetDescription;
import io.writ.connector.Verification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writ's connector to Azure Resource Manager. It carries out {@code disable-subscription}, {@code deny-service},
 * {@code isolate-resource}, {@code lock-resource} and {@code revoke-access} (the engine sends {@code notify} itself);
 * see the module README for what each does in ARM terms and how it is undone.
 */
public final class AzureConnector implements Connector {
    /** The provider name actions are routed by. */
    public static final String NAME = "azure";
    private static final Logger LOG = LoggerFactory.getLogger(AzureConnector.class);

    private final AzureSettings settings;
    private final Map<ActionKind, ArmAction> actions;

    /** A connector whose credential the settings describe. */
    public AzureConnector(AzureSettings settings) {
        this(settings, ArmClients.credential(settings));
    }

    /** A connector with a credential made elsewhere (a test's fixed token, or the host application's own). */
    public AzureConnector(AzureSettings settings, TokenCredential credential) {
        this(settings, credential, Clock.systemUTC());
    }

    AzureConnector(AzureSettings settings, TokenCredential credential, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        ArmClients arm = new ArmClients(settings, Objects.requireNonNull(credential, "credential"));
        Map<ActionKind, ArmAction> m = new EnumMap<>(ActionKind.class);
        m.put(ActionKind.DISABLE_SUBSCRIPTION, new SubscriptionCancel(arm, settings.dataRetention(), clock));
        m.put(ActionKind.DENY_SERVICE, new ServiceDenial(arm, settings.serviceTypes()));
        m.put(ActionKind.ISOLATE_RESOURCE, new ResourceIsolation(arm));
        m.put(ActionKind.LOCK_RESOURCE, new ResourceLock(arm));
        m.put(ActionKind.REVOKE_ACCESS, new AccessRevocation(arm));
        this.actions = Map.copyOf(m);
        LOG.info("Azure connector ready: {}", settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ActionKind> supports() {
        return actions.keySet();
    }

    @Override
    public TargetDescription describe(Action action) throws ConnectorException {
        ArmAction a = handler(action);
        return ArmErrors.call("describe " + action.kind().wire(), () -> a.describe(action));
    }

    @Override
    public Preview preview(Action action) throws ConnectorException {
        ArmAction a = handler(action);
        return ArmErrors.call("preview " + action.kind().wire(), () -> a.preview(action));
    }

    @Override
    public Applied apply(Action action, String idempotencyKey) throws ConnectorException {
        return apply(action, idempotencyKey, null);
    }

    @Override
    public Applied apply(Action action, String idempotencyKey, ObjectNode before) throws ConnectorException {
        ArmAction a = handler(action);
        requireKey(idempotencyKey);
        LOG.info("apply {} key={} spec={}", action.kind().wire(), idempotencyKey, action.spec());
        Applied applied = ArmErrors.call("apply " + action.kind().wire(), () -> a.apply(action, idempotencyKey, before));
        LOG.info("applied {} key={} alreadyApplied={} changed={}", action.kind().wire(), idempotencyKey,
                applied.alreadyApplied(), applied.changed());
        return applied;
    }

    @Override
    public Verification verify(Action action, Applied applied) throws ConnectorException {
        ArmAction a = handler(action);
        return ArmErrors.call("verify " + action.kind().wire(), () -> a.verify(action, applied));
    }

    @Override
    public Reverted revert(Action action, Applied applied, String idempotencyKey) throws ConnectorException {
        ArmAction a = handler(action);
        requireKey(idempotencyKey);
        LOG.info("revert {} key={} prior={}", action.kind().wire(), idempotencyKey, applied.prior());
        Reverted reverted = ArmErrors.call("revert " + action.kind().wire(), () -> a.revert(action, applied));
        LOG.info("reverted {} key={} alreadyReverted={}", action.kind().wire(), idempotencyKey,
                reverted.alreadyReverted());
        return reverted;
    }

    @Override
    public Verification verifyReverted(Action action, Applied applied) throws ConnectorException {
        ArmAction a = handler(action);
        return ArmErrors.call("verify revert of " + action.kind().wire(), () -> a.verifyReverted(action, applied));
    }

    @Override
    public String toString() {
        return "AzureConnector[" + settings + "]";
    }

    private ArmAction handler(Action action) throws ConnectorException {
        ArmAction a = actions.get(Objects.requireNonNull(action, "action").kind());
        if (a == null) {
            throw ConnectorException.invalid("the Azure connector does not carry out " + action.kind().wire()
                    + " (the engine sends notices itself)");
        }
        return a;
    }

    private static void requireKey(String idempotencyKey) throws ConnectorException {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw ConnectorException.invalid("an idempotency key is required");
        }
    }
}
