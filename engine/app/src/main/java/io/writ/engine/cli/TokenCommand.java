package io.writ.engine.cli;

import io.writ.engine.security.LocalSecret;
import io.writ.engine.security.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code writ token --subject alice --roles reviewer,approver}: prints a bearer token of the local issuer. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Issue a bearer token signed by the local issuer of the data directory.")
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir = new DataDirOption();

    @Option(names = "--subject", required = true, description = "Who the token is for.")
    String subject;

    @Option(names = "--roles", required = true, split = ",",
            description = "Comma-separated roles: pipeline, reviewer, approver, auditor, admin.")
    List<String> roles;

    @Option(names = "--ttl", defaultValue = "PT8H", description = "Lifetime, ISO-8601 (default PT8H).")
    Duration ttl;

    @Override
    public Integer call() {
        try {
            String secret = LocalSecret.loadOrCreate(dataDir.resolve());
            spec.commandLine().getOut().println(Tokens.mint(secret, subject, roles, ttl));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("writ token: " + e.getMessage());
            return 2;
        }
    }

}
