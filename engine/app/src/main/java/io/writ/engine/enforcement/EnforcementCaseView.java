package io.writ.engine.enforcement;

import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.cases.CaseRow;
import io.writ.engine.cases.CaseViewSection;
import io.writ.rego.value.Value;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.util.Optional;

/** The {@code enforcement} member of {@code GET /v1/cases/{id}}: plan status per action, the notice, deadline warnings. */
@Singleton
class EnforcementCaseView implements CaseViewSection {
    private final PlanStore store;
    private final EnforcementSettings settings;
    private final TransactionOperations<Connection> tx;

    EnforcementCaseView(PlanStore store, EnforcementSettings settings, TransactionOperations<Connection> tx) {
        this.store = store;
        this.settings = settings;
        this.tx = tx;
    }

    @Override
    public String name() {
        return "enforcement";
    }

    @Override
    public Optional<Value> section(CaseRow c) {
        return tx.executeRead(s -> store.find(c.id()).map(p -> PlanJson.value(PlanViews.section(p, settings,
                store.control().paused()))));
    }
}
