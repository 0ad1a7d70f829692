package io.writ.engine.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class GroupCommitTest {
    /** Records the groups it is given; "poison" fails the whole group, "refused" is answered with its own error. */
    private final List<List<String>> groups = new CopyOnWriteArrayList<>();
    private final GroupCommit<String, String> commit = new GroupCommit<>(group -> {
        groups.add(group);
        if (group.contains("poison")) {
            throw new IllegalStateException("the transaction failed");
        }
        return group.stream().map(r -> r.equals("refused") ? (Object) new IllegalArgumentException("refused alone")
                : r.toUpperCase()).toList();
    }, String::length, 20);

    /** Sends the requests while the write lock is held, so that they wait together; returns their futures. */
    private List<Future<String>> together(String... requests) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(requests.length);
        List<Future<String>> out = new ArrayList<>();
        commit.writeLock().lock();
        try {
            for (String r : requests) {
                out.add(pool.submit(() -> commit.submit(r)));
                while (commit.waitingCount() < out.size()) {
                    Thread.sleep(1);
                }
            }
        } finally {
            commit.writeLock().unlock();
        }
        pool.shutdown();
        return out;
    }

    @Test
    void requestsThatWaitTogetherAreWrittenInOneGroupUpToItsLimit() throws Exception {
        List<Future<String>> f = together("aaaa", "bbbb", "cccccccccc", "dddd");
        assertThat(f.get(0).get()).isEqualTo("AAAA");
        assertThat(f.get(3).get()).isEqualTo("DDDD");
        // 4 + 4 + 10 fit in 20; the fourth (4 more) starts the next group
        assertThat(groups).containsExactly(List.of("aaaa", "bbbb", "cccccccccc"), List.of("dddd"));
    }

    @Test
    void aFailedGroupIsWrittenAgainOneByOneSoOnlyTheBadRequestFails() throws Exception {
        List<Future<String>> f = together("one", "poison", "two");
        assertThat(f.get(0).get()).isEqualTo("ONE");
        assertThat(f.get(2).get()).isEqualTo("TWO");
        assertThat(catchThrowable(() -> f.get(1).get())).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(groups).containsExactly(List.of("one", "poison", "two"), List.of("one"), List.of("poison"), List.of("two"));
    }

    @Test
    void anAnswerThatIsAnErrorIsThrownToItsCallerOnly() throws Exception {
        List<Future<String>> f = together("ok", "refused");
        assertThat(f.get(0).get()).isEqualTo("OK");
        assertThat(catchThrowable(() -> f.get(1).get())).hasCauseInstanceOf(IllegalArgumentException.class)
                .rootCause().hasMessage("refused alone");
        assertThat(groups).hasSize(1);
    }

    @Test
    void aLoneRequestIsWrittenAtOnce() {
        assertThat(commit.submit("solo")).isEqualTo("SOLO");
        assertThat(groups).containsExactly(List.of("solo"));
    }
}
