package io.writ.engine.cases;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.writ.engine.cases.CaseStatus.*;

/**
 * The moves a case can make, each {@code POST /v1/cases/{id}/{transition}}. Admins may make every move;
 * the table says who else may, from which states, to which state, and whether a reason is required.
 *
 * <table>
 * <caption>Case transitions</caption>
 * <tr><th>transition</th><th>from</th><th>to</th><th>roles (besides admin)</th><th>reason</th><th>data</th></tr>
 * <tr><td>assign</td><td>open, in_review, rejected</td><td>in_review</td><td>reviewer</td><td>optional</td>
 *     <td>{@code assignee} (default: the actor)</td></tr>
 * <tr><td>dismiss</td><td>in_review, rejected</td><td>dismissed</td><td>reviewer (the assignee)</td><td>required</td><td></td></tr>
 * <tr><td>propose</td><td>in_review, rejected</td><td>proposed</td><td>reviewer (the assignee)</td><td>required</td>
 *     <td>{@code actions}, {@code scope}, {@code clause} (default: the case's)</td></tr>
 * <tr><td>approve</td><td>proposed</td><td>approved, or stays proposed while a second approver is needed</td>
 *     <td>approver (not the proposer)</td><td>required</td><td></td></tr>
 * <tr><td>reject</td><td>proposed</td><td>rejected</td><td>approver</td><td>required</td><td></td></tr>
 * <tr><td>execute</td><td>approved</td><td>executing</td><td>approver: execute now, before the notice period
 *     ends</td><td>required</td><td></td></tr>
 * <tr><td>complete</td><td>executing</td><td>enforced</td><td>(the service: every action applied and verified)</td>
 *     <td>optional</td><td></td></tr>
 * <tr><td>appeal</td><td>enforced</td><td>appealed</td><td>reviewer</td><td>required</td><td></td></tr>
 * <tr><td>uphold</td><td>appealed</td><td>enforced</td><td>approver</td><td>required</td><td></td></tr>
 * <tr><td>reinstate</td><td>appealed</td><td>reinstating</td><td>approver</td><td>required</td><td></td></tr>
 * <tr><td>restore</td><td>reinstating</td><td>reinstated</td><td>(the service: every action reverted and
 *     verified)</td><td>optional</td><td></td></tr>
 * <tr><td>close</td><td>enforced, reinstated</td><td>closed</td><td>reviewer, approver</td><td>optional</td><td></td></tr>
 * </table>
 *
 * <p>The enforcement plan ({@code io.writ.engine.enforcement}) drives the rest: the service itself executes an
 * approved case when its notice period ends, completes it when every action is verified, and restores it when
 * every action is reverted; {@link CaseMoveSink}s see every move in its transaction and may refuse it.
 */
public enum Transition {
    ASSIGN(EnumSet.of(OPEN, IN_REVIEW, REJECTED), IN_REVIEW, Set.of("reviewer"), false),
    DISMISS(EnumSet.of(IN_REVIEW, REJECTED), DISMISSED, Set.of("reviewer"), true),
    PROPOSE(EnumSet.of(IN_REVIEW, REJECTED), PROPOSED, Set.of("reviewer"), true),
    APPROVE(EnumSet.of(PROPOSED), APPROVED, Set.of("approver"), true),
    REJECT(EnumSet.of(PROPOSED), REJECTED, Set.of("approver"), true),
    EXECUTE(EnumSet.of(APPROVED), EXECUTING, Set.of("approver"), true),
    COMPLETE(EnumSet.of(EXECUTING), ENFORCED, null, false),
    APPEAL(EnumSet.of(ENFORCED), APPEALED, Set.of("reviewer"), true),
    UPHOLD(EnumSet.of(APPEALED), ENFORCED, Set.of("approver"), true),
    REINSTATE(EnumSet.of(APPEALED), REINSTATING, Set.of("approver"), true),
    RESTORE(EnumSet.of(REINSTATING), REINSTATED, null, false),
    CLOSE(EnumSet.of(ENFORCED, REINSTATED), CLOSED, Set.of("reviewer", "approver"), false);

    /** The role that may make every move. */
    public static final String ADMIN = "admin";

    private final Set<CaseStatus> from;
    private final CaseStatus to;
    // null: only the service makes this move
    private final Set<String> roles;
    private final boolean reasonRequired;

    Transition(Set<CaseStatus> from, CaseStatus to, Set<String> roles, boolean reasonRequired) {
        this.from = from;
        this.to = to;
        this.roles = roles;
        this.reasonRequired = reasonRequired;
    }

    /** Moves the service makes by itself when the enforcement plan says so; no one may request them. */
    public boolean serviceOnly() {
        return roles == null;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Transition> fromWire(String s) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(s)).findFirst();
    }

    public boolean allowedFrom(CaseStatus status) {
        return from.contains(status);
    }

    public CaseStatus to() {
        return to;
    }

    public boolean reasonRequired() {
        return reasonRequired;
    }

    /** Whether someone holding these roles may make this move. */
    public boolean permits(Collection<String> actorRoles) {
        return !serviceOnly() && (actorRoles.contains(ADMIN) || actorRoles.stream().anyMatch(roles::contains));
    }

    /** The roles that may make this move, admin included, sorted; none for a service-only move. */
    public List<String> roles() {
        return serviceOnly() ? List.of() : Stream.concat(roles.stream(), Stream.of(ADMIN)).sorted().toList();
    }

    /** The moves people can make on a case in this state, in table order. */
    public static List<Transition> available(CaseStatus status) {
        return Arrays.stream(values()).filter(t -> !t.serviceOnly() && t.allowedFrom(status)).toList();
    }

    /** The wire names of the moves people can request, in table order. */
    public static List<String> names() {
        return Arrays.stream(values()).filter(t -> !t.serviceOnly()).map(Transition::wire).toList();
    }
}
