package io.writ.engine.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: callers hand in writes and wait for their answer; one caller at a time writes, and it writes every
 * request waiting at that moment in one transaction. A durable commit is the costly part of a small write (on
 * H2 it rewrites the changed pages of every table touched), so under load one commit serves many callers; with
 * a single caller nothing waits longer than its own write.
 *
 * <p>If a group's write fails, each of its requests is written alone, so that one bad request fails only itself.
 *
 * @param <R> a request
 * @param <A> its answer
 */
public final class GroupCommit<R, A> {
    private final Function<List<R>, List<?>> write;
    private final ToIntFunction<R> weight;
    private final int maxWeight;
    private final ConcurrentLinkedQueue<Waiting<R, A>> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writeLock = new ReentrantLock();

    private record Waiting<R, A>(R request, CompletableFuture<A> answer) {
    }

    /**
     * @param write     writes a group in one transaction and returns one answer (an {@code A}) per request, in
     *                  order; it may answer a request with a {@link RuntimeException} (e.g. a problem of that request alone),
     *                  which {@link #submit} then throws to that request's caller only
     * @param weight    a request's size (e.g. signals in a batch)
     * @param maxWeight how much one group may hold (a request heavier than this is written alone)
     */
    public GroupCommit(Function<List<R>, List<?>> write, ToIntFunction<R> weight, int maxWeight) {
        this.write = write;
        this.weight = weight;
        this.maxWeight = maxWeight;
    }

    /** Writes the request, alone or with others, and returns its answer once committed; throws its failure. */
    public A submit(R request) {
        Waiting<R, A> w = new Waiting<>(request, new CompletableFuture<>());
        waiting.add(w);
        writeLock.lock();
        try {
            // our request waits until a writer takes it, perhaps the one before us; then it has its answer
            while (!w.answer().isDone()) {
                write(take());
            }
        } finally {
            writeLock.unlock();
        }
        try {
            return w.answer().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /**
     * Queues the request and returns at once; the answer completes when the request is committed, alone or with
     * others, by a write that runs on {@code executor} (one at a time). For callers that have other work to do
     * meanwhile: the more requests wait, the bigger the group and the fewer the commits.
     */
    public CompletableFuture<A> submitAsync(R request, Executor executor) {
        Waiting<R, A> w = new Waiting<>(request, new CompletableFuture<>());
        waiting.add(w);
        try {
            executor.execute(() -> {
                writeLock.lock();
                try {
                    // an earlier drain may have written it already; then there is nothing to do here
                    while (!waiting.isEmpty()) {
                        write(take());
                    }
                } finally {
                    writeLock.unlock();
                }
            });
        } catch (RejectedExecutionException e) {
            w.answer().completeExceptionally(e); // shutting down
        }
        return w.answer();
    }

    /** How many requests wait to be written (tests: to hold a group together). */
    public int waitingCount() {
        return waiting.size();
    }

    /** The lock whose holder writes (tests: holding it makes the requests that arrive meanwhile one group). */
    public ReentrantLock writeLock() {
        return writeLock;
    }

    /** The waiting requests, oldest first, up to the group's limit (at least one). */
    private List<Waiting<R, A>> take() {
        List<Waiting<R, A>> group = new ArrayList<>();
        int size = 0;
        for (Waiting<R, A> w = waiting.peek(); w != null; w = waiting.peek()) {
            int next = weight.applyAsInt(w.request());
            if (!group.isEmpty() && size + next > maxWeight) {
                break;
            }
            group.add(waiting.poll());
            size += next;
        }
        return group;
    }

    @SuppressWarnings("unchecked")
    private void write(List<Waiting<R, A>> group) {
        List<?> answers;
        try {
            answers = write.apply(group.stream().map(Waiting::request).toList());
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.getFirst().answer().completeExceptionally(e);
            } else {
                group.forEach(w -> write(List.of(w)));
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            if (answers.get(i) instanceof RuntimeException e) {
                group.get(i).answer().completeExceptionally(e);
            } else {
                group.get(i).answer().complete((A) answers.get(i));
            }
        }
    }
}
