package io.writ.engine.cli;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.writ.engine.security.LocalSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code writ serve}: the service on the embedded default (data directory, local token issuer, port 8080). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Writ service.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dataDir = new DataDirOption();

    @Option(names = "--port", description = "HTTP port (default: $MICRONAUT_SERVER_PORT or 8080).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        ApplicationContext ctx = start(dataDir.resolve(), port);
        Runtime.getRuntime().addShutdownHook(new Thread(ctx::close, "writ-shutdown"));
        Thread.currentThread().join();
        return 0;
    }

    /** Starts the service; used by {@code serve} and by tests that need a real process-like start. */
    public static ApplicationContext start(Path dataDir, Integer port) {
        Map<String, Object> props = new HashMap<>();
        props.put("writ.data-dir", dataDir.toString());
        // tokens of the local issuer (writ token) unless turned off; an identity provider's keys when given
        if (!"false".equalsIgnoreCase(setting("WRIT_LOCAL_ISSUER", "writ.security.local-issuer"))) {
            props.put(SECRET_PROPERTY, LocalSecret.loadOrCreate(dataDir));
        }
        String jwks = setting("WRIT_JWKS_URL", "writ.security.jwks-url");
        if (jwks != null && !jwks.isBlank()) {
            props.put(JWKS_PROPERTY, jwks);
        }
        String dbUrl = System.getenv("WRIT_DB_URL");
        props.put("datasources.default.url", dbUrl != null && !dbUrl.isBlank() ? dbUrl : h2FileUrl(dataDir));
        if (port != null) {
            props.put("micronaut.server.port", port);
        }
        // no environment deduction: serve runs exactly the configuration it is given (and tests of serve
        // get the shipped defaults, not the test environment)
        return Micronaut.build(new String[0]).mainClass(Writ.class).deduceEnvironment(false).properties(props).start();
    }

    /**
     * The embedded default database: H2 in PostgreSQL mode, in a file of the data directory, writing each
     * commit through at once (WRITE_DELAY=0): what was acknowledged survives a crash. Each connection keeps its 64
     * most recent statements parsed (QUERY_CACHE_SIZE; H2's default of 8 is fewer than one decision's statements),
     * and tables are not re-analysed every 2,000 changed rows (ANALYZE_AUTO=0): that read thousands of signal-log
     * rows while a batch waited, and every query here goes by a key or an index whatever the statistics say.
     * H2's page cache is 4 MB instead of 16 (CACHE_SIZE, in KB): almost everything written here is written once and
     * read seldom, and the pages a commit has just written stayed in the cache long enough for every young garbage
     * collection to copy them (pauses of 40-47 ms against 25-35 ms at 4 MB under the load driver; the operating
     * system's file cache still holds the file). Pages are compressed (COMPRESS=TRUE, LZF): when every decision's
     * audit entry held the whole dossier, at 20,000 signals/s the process wrote 73 MB/s without it and 21-26 MB/s
     * with it, at no measurable cost in CPU (docs/performance.md): the disk's write-back stalls set the longest
     * batch latencies. H2 marks each page with its compression, so files written before are read as they are.
     */
    public static String h2FileUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("writ").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=64;ANALYZE_AUTO=0;CACHE_SIZE=4096;COMPRESS=TRUE";
    }

    /** Where Micronaut Security reads the identity provider's JSON Web Key Set. */
    public static final String JWKS_PROPERTY = "micronaut.security.token.jwt.signatures.jwks.idp.url";

    private static String setting(String env, String property) {
        String v = System.getenv(env);
        return v != null ? v : System.getProperty(property);
    }

    /** Where Micronaut Security reads the HS256 secret that validates the local issuer's tokens. */
    public static final String SECRET_PROPERTY = "micronaut.security.token.jwt.signatures.secret.generator.secret";
}
