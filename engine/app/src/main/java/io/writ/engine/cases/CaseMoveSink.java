package io.writ.engine.cases;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * Follows case moves in their transaction: the enforcement plan is frozen when a case is approved, started when it
 * is executed, reverted when it is reinstated. A sink may refuse a move by throwing a
 * {@link io.writ.engine.web.Problem}; the whole move is then rolled back.
 */
public interface CaseMoveSink {
    /**
     * One move, after the case row is written and before the transaction commits.
     *
     * @param before the case as it was
     * @param after  the case as it is now (for a first of two approvals, still {@code proposed})
     * @param actor  who moved it ({@link CaseSink#SYSTEM_ACTOR} for the service itself)
     * @param reason the move's reason, if any
     */
    void onMove(CaseRow before, CaseRow after, Transition transition, CaseService.Actor actor, @Nullable String reason,
                Instant at);
}
