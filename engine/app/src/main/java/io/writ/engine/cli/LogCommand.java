package io.writ.engine.cli;

import io.writ.engine.audit.LogKeys;
import io.writ.engine.audit.LogVerifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code writ log}: the auditor's tools for the audit log. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Audit log tools.",
        subcommands = {LogCommand.Verify.class, LogCommand.Keygen.class})
public final class LogCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code writ log keygen --origin NAME --out FILE}: a new checkpoint signing key for production
     * ({@code writ.log.signing-key-file}), written readable by the owner only; prints only the verifier key.
     */
    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create a checkpoint signing key file; print its verifier key.")
    public static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--origin", required = true, description = "The log's origin (writ.log.origin), e.g. writ.example.com/audit")
        String origin;

        @Option(names = "--out", required = true, description = "Where to write the key; must not exist yet.")
        Path out;

        @Override
        public Integer call() {
            PrintWriter w = spec.commandLine().getOut();
            if (java.nio.file.Files.exists(out)) {
                spec.commandLine().getErr().println("writ log keygen: " + out + " exists; a signing key is never overwritten");
                return 2;
            }
            try {
                w.println(LogKeys.createKeyFile(out, origin));
                w.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("writ log keygen: " + e.getMessage());
                return 2;
            }
        }
    }

    /**
     * {@code writ log verify}: recomputes the tree from every entry, checks the checkpoint's signature, and
     * that the log still extends an earlier checkpoint. Exit 0 when all holds, 1 when anything does not, 2 on
     * wrong usage.
     */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the audit log: every entry against the signed checkpoint, and the checkpoint "
                    + "against an earlier one.",
                    "Online:  writ log verify --url URL --public-key FILE [--previous CHECKPOINT] [--token TOKEN]",
                    "Offline: writ log verify --export FILE.jsonl --checkpoint FILE --public-key FILE [--previous CHECKPOINT]"})
    public static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(multiplicity = "1")
        Source source;

        static final class Source {
            @ArgGroup(exclusive = false)
            Online online;
            @ArgGroup(exclusive = false)
            Offline offline;
        }

        static final class Online {
            @Option(names = "--url", required = true, description = "The service, e.g. https://writ.example.com")
            URI url;
            @Option(names = "--token", description = "Bearer token with the auditor role (default: $WRIT_TOKEN).")
            String token;
        }

        static final class Offline {
            @Option(names = "--export", required = true, description = "A JSONL export of the whole log (GET /v1/log/export).")
            Path export;
            @Option(names = "--checkpoint", required = true, description = "The signed checkpoint the export ends at.")
            Path checkpoint;
        }

        @Option(names = "--public-key", required = true, description = "File with the log's verifier key (GET /v1/log/public-key).")
        Path publicKey;

        @Option(names = "--previous", description = "An earlier checkpoint the log must still extend.")
        Path previous;

        @Option(names = "--save-checkpoint", description = "Write the verified checkpoint here, for the next --previous.")
        Path save;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LogVerifier.Report report;
            if (source.online != null) {
                String token = source.online.token != null ? source.online.token : System.getenv("WRIT_TOKEN");
                report = LogVerifier.online(source.online.url, token, publicKey, previous, out);
            } else {
                report = LogVerifier.offline(source.offline.export, source.offline.checkpoint, publicKey, previous, out);
            }
            if (report.ok() && save != null) {
                report.save(save, out);
            }
            out.println(report.ok() ? "VERIFIED" : "FAILED: " + report.failure());
            out.flush();
            return report.ok() ? 0 : 1;
        }
    }
}
