package io.writ.rego.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Rego part of the {@code writ} command. The service module's {@code writ} adds its own
 * subcommands next to these; {@link #addTo} is the single place that lists them.
 */
@Command(name = "writ", mixinStandardHelpOptions = true, description = "Writ policy tools.")
public final class RegoCli {
    private RegoCli() {
    }

    /** Adds {@code eval} and {@code test} to a command line. */
    public static CommandLine addTo(CommandLine cli) {
        return cli.addSubcommand(new EvalCommand()).addSubcommand(new TestCommand());
    }

    public static void main(String[] args) {
        CommandLine cli = addTo(new CommandLine(new RegoCli()));
        System.exit(cli.execute(args));
    }
}
