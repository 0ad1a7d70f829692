package io.writ.engine.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --data-dir}, else {@code WRIT_DATA_DIR}, else {@code ./data}: shared by serve and token. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $WRIT_DATA_DIR or ./data).")
    Path dataDir;

    Path resolve() {
        if (dataDir != null) {
            return dataDir.toAbsolutePath();
        }
        String env = System.getenv("WRIT_DATA_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "data").toAbsolutePath();
    }
}
