package io.writ.engine.audit;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import io.writ.engine.security.Tokens;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.cli.Writ;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for the audit log on the embedded default store (H2 file database, each commit written through,
 * the shipped policy bundle's mask evaluated on every entry, a signed checkpoint per sequencing pass). Not a test:
 * run it by hand, never in {@code ./mvnw verify}.
 *
 * <p>{@code appends SECONDS WRITERS [PER_TRANSACTION]}: writers append entries, one per transaction unless told
 * otherwise (as a recorded change does), for the given time; reports committed appends per second, and how long the sequencer then needs until every entry is a
 * leaf under a signed checkpoint. {@code proofs ENTRIES SAMPLES}: fills the log to ENTRIES entries (500 per
 * transaction), then times inclusion proofs for random leaves against the newest tree.
 *
 * <p>Run from engine/app after {@code ./mvnw -q test-compile}:
 * <pre>
 * ../../mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.writ.engine.audit.AuditLoadDriver appends 20 8 1
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.writ.engine.audit.AuditLoadDriver proofs 1000000 5000
 * </pre>
 */
public final class AuditLoadDriver {
    /** A case-transition-sized entry (about 600 bytes canonical), like most of what the log holds. */
    private static final String BODY = """
            {"tenant": "tnt-%d", "case": "c-%d", "rule": "mass-surveillance-of-civilians", "case_version": %d,
             "actor": "alice@example.com", "from": "proposed", "to": "approved", "verdict": "enforce",
             "severity": "critical", "approvals_needed": 2,
             "reason": "Evidence reviewed: bulk interception of third-party communications on sub-a, 2.3M subjects.",
             "proposal": {"round": 1, "actions": [{"action": "disable-subscription", "subscription": "sub-a"}],
                          "scope": {"subscriptions": ["sub-a"]}, "clause": "AUP-2.1", "proposer": "bob@example.com"},
             "approval": {"approver": "alice@example.com", "reason": "agree with the proposal"}}""";

    private static final String SECRET = "load-secret-load-secret-load-secret-0001";

    private AuditLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "appends";
        Path dir = Files.createTempDirectory("writ-audit-load");
        Map<String, Object> props = new HashMap<>();
        props.put("writ.data-dir", dir.toString());
        props.put("datasources.default.url", "jdbc:h2:file:" + dir + "/writ;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=" + System.getProperty("writeDelay", "0"));
        props.put("micronaut.security.token.jwt.signatures.secret.generator.secret", SECRET);
        props.put("micronaut.server.port", -1);
        try (ApplicationContext ctx = Micronaut.build(new String[0]).mainClass(Writ.class).deduceEnvironment(false)
                .properties(props).start()) {
            if (mode.equals("proofs")) {
                proofs(ctx, Long.parseLong(args.length > 1 ? args[1] : "1000000"), Integer.parseInt(args.length > 2 ? args[2] : "5000"));
            } else {
                appends(ctx, Integer.parseInt(args.length > 1 ? args[1] : "20"), Integer.parseInt(args.length > 2 ? args[2] : "8"),
                        Integer.parseInt(args.length > 3 ? args[3] : "1"));
            }
        } finally {
            try (var files = Files.walk(dir)) { // a million entries are more than a gigabyte of database
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void appends(ApplicationContext ctx, int seconds, int writers, int perTransaction) throws Exception {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        AuditLog log = ctx.getBean(AuditLog.class);
        AuditReader reader = ctx.getBean(AuditReader.class);
        long before = reader.size();
        // warm-up: the JIT, the pool, the policy
        run(tx, log, 2, writers, perTransaction, new AtomicLong());
        log.sync();
        long warm = reader.size();
        AtomicLong appended = new AtomicLong();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        run(tx, log, seconds, writers, perTransaction, appended);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long s0 = System.nanoTime();
        log.sync();
        double drain = (System.nanoTime() - s0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        long sequenced = reader.size() - warm;
        System.out.printf("appends: %d writers, %d per transaction, %d s: %d committed, %.0f appends/s%n", writers,
                perTransaction, seconds, appended.get(), appended.get() / elapsed);
        System.out.printf("sequencer: %d entries are leaves under a signed checkpoint %.2f s after the last commit "
                + "(%.0f leaves/s over the run and the drain); %d entries before the run%n",
                sequenced, drain, sequenced / (elapsed + drain), warm - before);
        // the machine is shared: CPU time says what the work costs, whatever else runs beside it
        System.out.printf("cpu: %.1f s of CPU for %d appends (driver, mask, canonical form, H2, sequencer, signing): "
                + "%.0f µs each, %.0f appends per CPU-second; load average %.1f%n", cpu, appended.get(),
                cpu * 1e6 / appended.get(), appended.get() / cpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void run(TransactionOperations<Connection> tx, AuditLog log, int seconds, int writers, int perTransaction,
                            AtomicLong appended) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                while (System.nanoTime() < deadline) {
                    int first = n;
                    tx.executeWrite(s -> {
                        for (int i = 0; i < perTransaction; i++) {
                            log.append("case.approve", (ObjectValue) Json.parse(BODY.formatted(writer, (first + i) % 1000, first + i)));
                        }
                        return null;
                    });
                    appended.addAndGet(perTransaction);
                    n += perTransaction;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @SuppressWarnings("unchecked")
    private static void proofs(ApplicationContext ctx, long entries, int samples) throws Exception {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        AuditLog log = ctx.getBean(AuditLog.class);
        AuditReader reader = ctx.getBean(AuditReader.class);
        long t0 = System.nanoTime();
        ObjectValue body = (ObjectValue) Json.parse(BODY.formatted(1, 1, 1));
        while (reader.size() < entries) {
            long missing = entries - reader.size();
            tx.executeWrite(s -> {
                for (int i = 0; i < Math.min(500, missing); i++) {
                    log.append("case.approve", body);
                }
                return null;
            });
            if (reader.size() % 50_000 < 500) {
                log.sync();
            }
        }
        log.sync();
        long size = reader.size();
        System.out.printf("filled to %d entries in %.0f s%n", size, (System.nanoTime() - t0) / 1e9);
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            reader.inclusionProof(random.nextLong(size), size); // warm-up
        }
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long index = random.nextLong(size);
            long s = System.nanoTime();
            List<byte[]> proof = reader.inclusionProof(index, size);
            nanos[i] = System.nanoTime() - s;
            if (proof.size() > 64) {
                throw new IllegalStateException("proof too long");
            }
        }
        report("inclusion proof in the service", size, nanos);

        // the same over HTTP, as an auditor asks for it
        String uri = "http://127.0.0.1:" + ctx.getBean(EmbeddedServer.class).getPort() + "/v1/log/proofs/inclusion?size=" + size + "&index=";
        String token = Tokens.mint(SECRET, "bench", List.of("auditor"), Duration.ofHours(1));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < samples + 500; i++) {
            long index = random.nextLong(size);
            long s = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri + index)).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            if (i >= 500) {
                nanos[i - 500] = System.nanoTime() - s;
            }
        }
        report("GET /v1/log/proofs/inclusion", size, nanos);
    }

    private static void report(String what, long size, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        System.out.printf("%s at %d entries (%d samples): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, size, n,
                sorted[n / 2] / 1e6, sorted[n * 99 / 100] / 1e6, sorted[n - 1] / 1e6);
    }
}
