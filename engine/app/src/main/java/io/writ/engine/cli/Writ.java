package io.writ.engine.cli;

import io.writ.rego.cli.RegoCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code writ} command. Subcommands: {@code serve} (the service), {@code token} (a local bearer
 * token), {@code log verify} (the auditor's check of the audit log), {@code eval} and {@code test} (Rego, like {@code opa eval} and {@code opa test}). New
 * subcommands are added in {@link #commandLine()}.
 */
@Command(name = "writ", mixinStandardHelpOptions = true, version = "writ 0.1.0",
        description = "Writ: acceptable-use policy enforcement for cloud providers.")
public final class Writ implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return RegoCli.addTo(new CommandLine(new Writ()))
                .addSubcommand(new ServeCommand())
                .addSubcommand(new TokenCommand())
                .addSubcommand(new LogCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
