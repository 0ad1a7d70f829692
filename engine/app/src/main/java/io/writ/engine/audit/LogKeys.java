package io.writ.engine.audit;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the checkpoint signing key comes from: {@code writ.log.signing-key-file} in production (it must exist),
 * else {@code log-signing-key} in the data directory, generated on first start and readable by the owner only.
 * Its name must be the log's origin ({@code writ.log.origin}). Only file paths and the public key are logged.
 */
@Factory
public class LogKeys {
    static final String FILE = "log-signing-key";
    private static final Logger LOG = LoggerFactory.getLogger(LogKeys.class);

    @Singleton
    LogKey signingKey(@Value("${writ.log.origin:" + AuditLog.DEFAULT_ORIGIN + "}") String origin,
                      @Nullable @Value("${writ.log.signing-key-file:}") String keyFile,
                      @Value("${writ.data-dir:data}") String dataDir) {
        LogKey key;
        Path file;
        if (keyFile != null && !keyFile.isBlank()) {
            file = Path.of(keyFile);
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException("writ.log.signing-key-file " + file + " does not exist");
            }
            key = read(file);
        } else {
            file = Path.of(dataDir).resolve(FILE);
            key = loadOrCreate(file, origin);
        }
        if (!key.name().equals(origin)) {
            throw new ConfigurationException("the signing key in " + file + " is named '" + key.name()
                    + "', but writ.log.origin is '" + origin + "'; a checkpoint is signed under its origin");
        }
        LOG.info("audit log '{}' signs its checkpoints with the key in {}; verifier key {}", origin, file, key.verifier());
        return key;
    }

    /** Writes a new signing key named {@code origin} to {@code file} (owner-only) and returns its verifier key. */
    public static String createKeyFile(Path file, String origin) {
        return loadOrCreate(file, origin).verifier().toString();
    }

    /** Reads the key file, creating it with a new key named {@code origin} when there is none. */
    static LogKey loadOrCreate(Path file, String origin) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                try {
                    Files.writeString(file, LogKey.generate(origin).privateText() + "\n", StandardCharsets.US_ASCII,
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    try {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // non-POSIX file systems keep their default permissions
                    }
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            return read(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read or create the log signing key at " + file + ": " + e.getMessage());
        }
    }

    private static LogKey read(Path file) {
        try {
            return LogKey.parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the log signing key at " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the log signing key at " + file + " is unusable: " + e.getMessage());
        }
    }
}
