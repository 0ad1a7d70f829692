package io.writ.engine.audit;

import io.writ.engine.tenants.Dossier;
import io.writ.engine.cli.ServeCommand;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.writ.engine.storage.Databases;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.writ.engine.audit.AuditFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log on H2 and on a real PostgreSQL: appends, transactions, masking, several instances, restarts. */
class AuditLogTest {
    private static final Map<String, ApplicationContext> CONTEXTS = new HashMap<>();

    static synchronized ApplicationContext ctx(String db) {
        return CONTEXTS.computeIfAbsent(db, d -> start(database(d, "a" + UUID.randomUUID().toString().replace("-", ""))));
    }

    static Map<String, Object> database(String db, String name) {
        return db.equals("h2") ? Databases.h2(name) : Databases.postgres(name);
    }

    static ApplicationContext start(Map<String, Object> database) {
        Map<String, Object> props = new HashMap<>(database);
        props.put("micronaut.server.port", -1);
        return ApplicationContext.run(props, "test");
    }

    @AfterAll
    static void close() {
        CONTEXTS.values().forEach(ApplicationContext::close);
        CONTEXTS.clear();
    }

    /** The newest checkpoint, checked against the tests' own tree over every stored leaf. */
    static Checkpoint checkedCheckpoint(ApplicationContext ctx) {
        AuditLog log = ctx.getBean(AuditLog.class);
        Checkpoint cp = Checkpoint.open(log.sync(), log.verifierKey());
        List<String> leaves = leaves(ctx);
        assertThat(cp.size()).isEqualTo(leaves.size());
        assertThat(cp.root()).isEqualTo(ReferenceMerkle.mth(leafHashes(leaves)));
        return cp;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void entriesAreCanonicalLeavesOfTheSignedTree(String db) throws Exception {
        ApplicationContext ctx = ctx(db);
        long before = checkedCheckpoint(ctx).size();
        append(ctx, "test.entry", "{\"tenant\": \"t-1\", \"z\": 1.50, \"a\": [3, 1e21, \"\\u00e9\"]}",
                "{\"case\": \"c-1\", \"n\": -0}");
        Checkpoint cp = checkedCheckpoint(ctx);
        assertThat(cp.size()).isEqualTo(before + 2);
        List<String> leaves = leaves(ctx);
        String first = leaves.get((int) before);
        assertThat(first).startsWith("{\"a\":[3,1e+21,\"\u00e9\"],\"kind\":\"test.entry\",\"logged_at\":\"")
                .endsWith("\",\"masked\":[],\"tenant\":\"t-1\",\"z\":1.5}");
        assertThat(leaves.get((int) before + 1)).startsWith("{\"case\":\"c-1\",\"kind\":\"test.entry\"").contains("\"n\":0");
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_pending")).isZero();
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_leaf WHERE tenant_id = 't-1' AND entry_kind = 'test.entry'")).isEqualTo(1);
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_leaf WHERE case_id = 'c-1'")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void entriesAppendedAsOneBatchBecomeLeavesInTheirOrder(String db) throws Exception {
        ApplicationContext ctx = ctx(db);
        AuditLog log = ctx.getBean(AuditLog.class);
        long before = checkedCheckpoint(ctx).size();
        List<AuditLog.Prepared> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(log.prepare("test.batch", (ObjectValue) io.writ.rego.value.Json.parse("{\"i\": " + i + "}")));
        }
        tx(ctx).executeWrite(s -> {
            log.append(batch);
            log.append("test.batch", (ObjectValue) io.writ.rego.value.Json.parse("{\"i\": 5}"));
            log.append(List.of()); // nothing to write
            return null;
        });
        Checkpoint cp = checkedCheckpoint(ctx);
        assertThat(cp.size()).isEqualTo(before + 6);
        List<String> leaves = leaves(ctx).subList((int) before, (int) before + 6);
        for (int i = 0; i < 6; i++) {
            assertThat(leaves.get(i)).startsWith("{\"i\":" + i + ",\"kind\":\"test.batch\"");
        }
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_pending")).isZero();
    }

    @Test
    void anInputTheMaskPolicyErasesIsNeitherPatchedNorPatchedAgainst() throws Exception {
        AuditLog log = ctx("h2").getBean(AuditLog.class);
        java.util.function.BiFunction<Integer, Boolean, ObjectValue> body = (i, erase) -> ObjectValue.builder()
                .put("tenant", StringValue.of("t-erase")).put("decision", StringValue.of("d" + i))
                .put("erase_input", io.writ.rego.value.BooleanValue.of(erase))
                .put("input", Json.parse("{\"usage\": [" + i + "]}")).build();
        AuditLog.PreparedDecision first = log.prepareDecision(body.apply(0, false), null, null);
        AuditLog.PreparedDecision erased = log.prepareDecision(body.apply(1, true), null, first.next());
        AuditLog.PreparedDecision after = log.prepareDecision(body.apply(2, false), null, erased.next());
        JsonNode e1 = JSON.readTree(erased.entry().json());
        assertThat(e1.has("input")).isFalse();
        assertThat(e1.has("input_patch")).isFalse();
        assertThat(e1.path("masked").toString()).contains("\"/input\"");
        // nothing of the erased input to patch against: whole again
        assertThat(JSON.readTree(after.entry().json()).at("/input/usage/0").asInt()).isEqualTo(2);
    }

    @Test
    void aDecisionWhosePatchDoesNotRebuildItsInputIsReportedNotServed() {
        // forged entries, in this class's own database: every other log the tests verify stays sound
        ApplicationContext ctx = ctx("h2");
        String t = "t-" + UUID.randomUUID();
        append(ctx, "decision", "{\"tenant\": \"%s\", \"decision\": \"d1\", \"input\": {\"usage\": [1]}}".formatted(t),
                "{\"tenant\": \"%s\", \"decision\": \"d2\", \"input_base\": \"d1\", \"input_sha256\": \"00\", "
                        .formatted(t) + "\"input_patch\": [{\"op\": \"add\", \"path\": \"/usage/1\", \"value\": 2}]}");
        String orphan = "t-" + UUID.randomUUID();
        append(ctx, "decision", "{\"tenant\": \"%s\", \"decision\": \"x2\", \"input_base\": \"x1\", \"input_sha256\": \"00\", \"input_patch\": []}".formatted(orphan));
        ctx.getBean(AuditLog.class).sync();
        AuditReader reader = ctx.getBean(AuditReader.class);
        List<LogEntry> mine = reader.query(new AuditQuery(t, null, null, null, null, -1), Long.MAX_VALUE, 10);
        long alone = reader.query(new AuditQuery(orphan, null, null, null, null, -1), Long.MAX_VALUE, 10).getFirst().index();
        assertThat(reader.decisionInput(mine.get(0).index()).orElseThrow().input().toString()).isEqualTo("{\"usage\":[1]}");
        assertThatThrownBy(() -> reader.decisionInput(mine.get(1).index())).isInstanceOfSatisfying(AuditReader.NoInput.class,
                e -> assertThat(e.broken()).isTrue()).hasMessageContaining("(decision d2): the input rebuilt from its patch does not hash");
        assertThatThrownBy(() -> reader.decisionInput(alone)).isInstanceOfSatisfying(AuditReader.NoInput.class,
                e -> assertThat(e.broken()).isTrue()).hasMessageContaining("hold no whole input");
    }

    @Test
    void onPostgresEntryNumbersAreDrawnInTheOrderAskedWhicheverConnectionAsks() throws Exception {
        // per-session caches (V9) handed each connection a block of its own: a later entry could draw a smaller number
        ApplicationContext pg = ctx("postgres");
        String url = pg.getRequiredProperty("datasources.default.url", String.class);
        String user = pg.getRequiredProperty("datasources.default.username", String.class);
        String password = pg.getProperty("datasources.default.password", String.class).orElse("");
        try (Connection a = DriverManager.getConnection(url, user, password);
             Connection b = DriverManager.getConnection(url, user, password)) {
            long first = next(a);
            long second = next(b);
            long third = next(a);
            assertThat(first).isLessThan(second);
            assertThat(second).isLessThan(third);
        }
    }

    @Test
    void onPostgresTheSequencerVacuumsItsListOfWaitingEntries() throws Exception {
        // rows leave audit_pending as fast as they come; until a vacuum, the sequencer's query reads every one
        Map<String, Object> props = new HashMap<>(database("postgres", "v" + UUID.randomUUID().toString().replace("-", "")));
        props.put("writ.log.vacuum-interval", "100ms");
        try (ApplicationContext pg = start(props)) {
            AuditLog log = pg.getBean(AuditLog.class);
            tx(pg).executeWrite(s -> {
                for (int i = 0; i < 300; i++) {
                    log.append("test.vacuumed", ObjectValue.EMPTY);
                }
                return null;
            });
            log.sync();
            assertThat(count(pg, "SELECT COUNT(*) FROM audit_pending")).isZero();
            // every page holds only deleted rows, which a vacuum removes and then gives the empty pages back
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (count(pg, "SELECT pg_relation_size('audit_pending')") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(count(pg, "SELECT pg_relation_size('audit_pending')")).isZero();
            assertThat(checkedCheckpoint(pg).size()).isGreaterThanOrEqualTo(300);

            // a vacuum skipped because another holds the table (as autovacuum does) is routine: nothing to report
            String url = pg.getRequiredProperty("datasources.default.url", String.class);
            try (Connection holder = DriverManager.getConnection(url, "postgres", "")) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("LOCK TABLE audit_pending IN SHARE UPDATE EXCLUSIVE MODE");
                assertThat(pg.getBean(AuditStore.class).vacuumPending()).isNull();
                holder.rollback();
            }

            // a service that does not own the table (the production grants) gets PostgreSQL's reason, to log
            String role = "v" + UUID.randomUUID().toString().replace("-", "");
            tx(pg).executeWrite(s -> {
                try (var st = s.getConnection().createStatement()) {
                    st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'p'");
                    st.execute("GRANT SELECT, INSERT, DELETE ON audit_pending TO " + role);
                }
                return null;
            });
            var notOwner = new org.postgresql.ds.PGSimpleDataSource();
            notOwner.setUrl(url);
            notOwner.setUser(role);
            notOwner.setPassword("p");
            assertThat(new AuditStore(notOwner).vacuumPending()).contains("audit_pending").contains("owner");
        }
        // on H2 there is nothing to vacuum, and asking does no harm
        assertThat(ctx("h2").getBean(AuditStore.class).vacuumPending()).isNull();
    }

    private static long next(Connection c) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT nextval('audit_queue_seq_seq')"); var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aLeafSequencedBeforeV8KeepsItsOwnTextAndReadsTheSame(String db) throws Exception {
        ApplicationContext ctx = ctx(db);
        append(ctx, "test.old-leaf", "{\"n\": 7}");
        Checkpoint cp = checkedCheckpoint(ctx);
        long index = cp.size() - 1;
        AuditReader reader = ctx.getBean(AuditReader.class);
        String text = reader.entry(index).orElseThrow().json();
        // what V4 to V7 wrote: the text in the leaf row, no entry row behind it
        tx(ctx).executeWrite(st -> {
            try (var c = st.getConnection().createStatement()) {
                c.executeUpdate("UPDATE audit_leaf SET entry_json = (SELECT e.entry_json FROM audit_entry e "
                        + "WHERE e.seq = audit_leaf.queue_seq) WHERE leaf_index = " + index);
                c.executeUpdate("DELETE FROM audit_entry WHERE seq = (SELECT queue_seq FROM audit_leaf WHERE leaf_index = "
                        + index + ")");
            }
            return null;
        });
        assertThat(reader.entry(index).orElseThrow().json()).isEqualTo(text);
        assertThat(reader.query(new AuditQuery(null, null, "test.old-leaf", null, null, index - 1), index + 1, 10))
                .extracting(LogEntry::json).containsExactly(text);
        assertThat(checkedCheckpoint(ctx)).isEqualTo(cp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void proofsFromStoredAndRememberedNodesOfALargerTree(String db) {
        ApplicationContext ctx = ctx(db);
        for (int t = 0; t < 6; t++) {
            String[] bodies = new String[100];
            java.util.Arrays.setAll(bodies, i -> "{\"n\": " + i + "}");
            append(ctx, "test.many", bodies);
        }
        Checkpoint cp = checkedCheckpoint(ctx);
        assertThat(cp.size()).isGreaterThan(1 << AuditStore.CACHED_LEVEL);
        List<byte[]> hashes = leafHashes(leaves(ctx));
        AuditReader reader = ctx.getBean(AuditReader.class);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            int size = 1 + random.nextInt((int) cp.size());
            int index = random.nextInt(size);
            byte[] root = ReferenceMerkle.mth(hashes.subList(0, size));
            assertThat(reader.root(size)).isEqualTo(root);
            assertThat(ReferenceMerkle.verifyInclusion(index, size, hashes.get(index), reader.inclusionProof(index, size), root))
                    .as("leaf %d of %d", index, size).isTrue();
            int from = 1 + random.nextInt(size);
            assertThat(ReferenceMerkle.verifyConsistency(from, size, ReferenceMerkle.mth(hashes.subList(0, from)), root,
                    reader.consistencyProof(from, size))).as("%d -> %d", from, size).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRolledBackChangeLeavesNoEntry(String db) {
        ApplicationContext ctx = ctx(db);
        long before = checkedCheckpoint(ctx).size();
        AuditLog log = ctx.getBean(AuditLog.class);
        assertThatThrownBy(() -> tx(ctx).executeWrite(s -> {
            log.append("test.rolled-back", ObjectValue.EMPTY);
            throw new IllegalStateException("the change fails after its entry was written");
        })).hasMessageContaining("the change fails");
        assertThat(checkedCheckpoint(ctx).size()).isEqualTo(before);
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_pending")).isZero();
        assertThat(count(ctx, "SELECT COUNT(*) FROM audit_leaf WHERE entry_kind = 'test.rolled-back'")).isZero();
        // and there is no appending outside a transaction: an entry always belongs to a change
        assertThatThrownBy(() -> log.append("test.no-transaction", ObjectValue.EMPTY)).isNotNull();
        assertThat(checkedCheckpoint(ctx).size()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void reportersAndPolicyPathsAreErasedBeforeHashingAndListed(String db) throws Exception {
        ApplicationContext ctx = ctx(db);
        append(ctx, "decision", """
                {"tenant": "t-mask", "secret": "s3cr3t", "notes": ["keep", "drop", "keep"],
                 "input": {"tenant": {"id": "t-mask", "contact": "ceo@example.com"},
                           "reports": [{"id": "r1", "reporter": {"name": "Jane Roe", "contact": "jane@example.org"}},
                                       {"id": "r2"},
                                       {"id": "r3", "reporter": "John Doe"}]},
                 "evidence": {"reports": [{"reporter": "Nested Person"}]}}""");
        checkedCheckpoint(ctx);
        JsonNode e = entries(ctx, "decision").stream().filter(n -> n.path("tenant").asText().equals("t-mask")).findFirst().orElseThrow();
        String stored = e.toString();
        assertThat(stored).doesNotContain("Jane Roe", "jane@example.org", "John Doe", "Nested Person", "ceo@example.com", "s3cr3t", "drop");
        assertThat(e.path("input").path("reports").get(0).path("id").asText()).isEqualTo("r1");
        assertThat(e.path("notes").toString()).isEqualTo("[\"keep\",null,\"keep\"]");
        assertThat(e.path("masked")).extracting(JsonNode::asText).containsExactly(
                "/evidence/reports/0/reporter", "/input/reports/0/reporter", "/input/reports/2/reporter",
                "/input/tenant/contact", "/notes/1", "/secret");
    }

    /** A tenant's decision entries for {@code n} inputs that change one figure each time (and a masked contact). */
    static List<JsonNode> decisionEntries(AuditLog log, String tenant, int n, String lastFiller) throws Exception {
        AuditLog.InputBase previous = null;
        List<JsonNode> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // the contact changes every time, and the mask policy erases it: it is in no patch either
            String input = """
                    {"tenant": {"id": "%s", "contact": "ceo-%d@example.com"}, "filler": "%s",
                     "usage": [{"metric": "gb", "value": 1}, {"metric": "calls", "value": %d}]}""".formatted(tenant, i,
                    i == n - 1 && lastFiller != null ? lastFiller : "x".repeat(2000), i);
            ObjectValue body = ObjectValue.builder().put("tenant", StringValue.of(tenant))
                    .put("decision", StringValue.of("d" + i)).put("input", Json.parse(input)).build();
            AuditLog.PreparedDecision p = log.prepareDecision(body, null, previous);
            previous = p.next();
            entries.add(JSON.readTree(p.entry().json()));
        }
        return entries;
    }

    static List<Integer> wholeAt(List<JsonNode> entries) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).has("input")) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void aDecisionsInputIsAMaskedPatchAgainstTheTenantsPreviousOneAndWholeAgainEvery64th() throws Exception {
        AuditLog log = ctx("h2").getBean(AuditLog.class);
        List<JsonNode> entries = decisionEntries(log, "t-p", 160, null);
        assertThat(entries.get(1).has("input")).isFalse();
        assertThat(entries.get(1).path("input_base").asText()).isEqualTo("d0");
        assertThat(entries.get(1).path("input_patch").toString())
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/usage/1\",\"value\":{\"metric\":\"calls\",\"value\":1}}]");
        assertThat(entries.get(1).path("masked").toString()).contains("/input/tenant/contact");
        // whole at first, again within 64, then every 64th: chains of at most 63 patches
        List<Integer> whole = wholeAt(entries);
        assertThat(whole.get(0)).isZero();
        assertThat(whole.get(1)).isBetween(1, 64);
        assertThat(whole.subList(1, whole.size())).hasSizeGreaterThanOrEqualTo(2);
        for (int k = 2; k < whole.size(); k++) {
            assertThat(whole.get(k) - whole.get(k - 1)).isEqualTo(64);
        }
        JsonNode input = null;
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            if (e.has("input")) {
                input = e.get("input");
            } else {
                assertThat(e.path("input_base").asText()).as("entry %d", i).isEqualTo("d" + (i - 1));
                input = InputPatch.apply(input, e.get("input_patch"));
                assertThat(Dossier.sha256(Jcs.canonicalize(input))).as("entry %d", i).isEqualTo(e.path("input_sha256").asText());
            }
            assertThat(input.at("/usage/1/value").asInt()).as("entry %d", i).isEqualTo(i);
        }
        assertThat(entries.toString()).doesNotContain("ceo-");
        // a patch about as large as the input itself is not worth it
        List<JsonNode> large = decisionEntries(log, "t-p", 3, "y".repeat(20000));
        assertThat(large.get(2).path("input").path("filler").asText()).hasSize(20000);
    }

    @Test
    void tenantsThatStartTogetherWriteTheirNextWholeInputsAtDifferentTimes() throws Exception {
        AuditLog log = ctx("h2").getBean(AuditLog.class);
        java.util.Set<Integer> second = new java.util.HashSet<>();
        for (int t = 0; t < 8; t++) {
            second.add(wholeAt(decisionEntries(log, "tenant-" + t, 65, null)).get(1));
        }
        assertThat(second).hasSizeGreaterThan(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFailingMaskPolicyFailsTheAppendAndItsChange(String db) {
        ApplicationContext ctx = ctx(db);
        long before = checkedCheckpoint(ctx).size();
        assertThatThrownBy(() -> append(ctx, "test.masked", "{\"reason\": \"mask-fails\"}")).isNotNull();
        assertThat(checkedCheckpoint(ctx).size()).isEqualTo(before);
    }

    /**
     * The sequencer locks the tree's state in the database, so two appending processes still build one tree. Writ
     * runs one instance per database (a second one is refused on PostgreSQL, see IngestStoreTest), so this holds
     * for two contexts sharing one in-memory H2 database, which nothing refuses.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void twoInstancesOnOneDatabaseBuildOneTree(String db) throws Exception {
        Map<String, Object> shared = database(db, "s" + UUID.randomUUID().toString().replace("-", ""));
        try (ApplicationContext a = start(shared); ApplicationContext b = start(shared)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                ApplicationContext ctx = w % 2 == 0 ? a : b;
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        append(ctx, "test.concurrent", "{\"writer\": " + writer + ", \"i\": " + i + "}");
                    }
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            pool.shutdown();
            a.getBean(AuditLog.class).sync();
            b.getBean(AuditLog.class).sync();
            Checkpoint cp = checkedCheckpoint(a);
            assertThat(Checkpoint.open(b.getBean(AuditLog.class).latestNote(), b.getBean(AuditLog.class).verifierKey())).isEqualTo(cp);
            assertThat(count(a, "SELECT COUNT(*) FROM audit_leaf WHERE entry_kind = 'test.concurrent'")).isEqualTo(200);
            assertThat(count(a, "SELECT COUNT(DISTINCT e.entry_json) FROM audit_leaf l JOIN audit_entry e "
                    + "ON e.seq = l.queue_seq WHERE l.entry_kind = 'test.concurrent'")).isEqualTo(200);
            assertThat(count(a, "SELECT COUNT(*) FROM audit_pending")).isZero();
            // every checkpoint either instance signed is a prefix of the final tree
            List<byte[]> hashes = leafHashes(leaves(a));
            tx(a).executeRead(s -> {
                try (var ps = s.getConnection().prepareStatement("SELECT tree_size, root_hash FROM audit_checkpoint");
                     var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getBytes(2)).isEqualTo(ReferenceMerkle.mth(hashes.subList(0, rs.getInt(1))));
                    }
                }
                return null;
            });
        }
    }

    @Test
    void afterARestartEntriesSurviveCommittedButUnsequencedOnesAreCaughtUpAndTheTreeGoesOn(@TempDir Path dir) throws Exception {
        Map<String, Object> file = Map.of(
                "datasources.default.url", ServeCommand.h2FileUrl(dir),
                "datasources.default.username", "sa", "datasources.default.password", "",
                "writ.data-dir", dir.toString());
        Checkpoint first;
        String key;
        List<String> history;
        try (ApplicationContext ctx = start(file)) {
            append(ctx, "test.before-restart", "{\"n\": 1}", "{\"n\": 2}");
            first = checkedCheckpoint(ctx);
            history = leaves(ctx);
            key = ctx.getBean(AuditLog.class).verifierKey().toString();
            // an entry whose change committed just before the crash, before the sequencer took it; written without
            // its leaf hash, as entries from before V8 are, so that the sequencer hashes its text
            tx(ctx).executeWrite(s -> {
                try (PreparedStatement ps = s.getConnection().prepareStatement("INSERT INTO audit_entry (seq, entry_kind, "
                        + "logged_at, entry_json) VALUES (1000000, 'test.in-flight', ?, '{\"kind\":\"test.in-flight\",\"masked\":[]}')");
                     PreparedStatement pending = s.getConnection().prepareStatement(
                             "INSERT INTO audit_pending (entry_seq) VALUES (1000000)")) {
                    ps.setObject(1, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
                    ps.executeUpdate();
                    pending.executeUpdate();
                }
                return null;
            });
        }
        assertThat(Files.exists(dir.resolve(LogKeys.FILE))).isTrue();
        try (ApplicationContext ctx = start(file)) {
            AuditLog log = ctx.getBean(AuditLog.class);
            assertThat(log.verifierKey().toString()).as("the same key after a restart").isEqualTo(key);
            assertThat(count(ctx, "SELECT COUNT(*) FROM audit_leaf WHERE entry_kind = 'test.in-flight'")).isEqualTo(1);
            append(ctx, "test.after-restart", "{\"n\": 3}");
            Checkpoint second = checkedCheckpoint(ctx);
            assertThat(second.size()).isGreaterThan(first.size() + 1);
            assertThat(leaves(ctx).subList(0, (int) first.size())).as("history is unchanged").isEqualTo(history);
            List<byte[]> proof = ctx.getBean(AuditReader.class).consistencyProof(first.size(), second.size());
            assertThat(ReferenceMerkle.verifyConsistency(first.size(), second.size(), first.root(), second.root(), proof)).isTrue();
        }
    }
}
