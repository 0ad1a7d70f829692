package io.writ.engine.evaluation;

import io.writ.rego.Loader;
import io.writ.rego.Policy;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A compiled policy bundle: OPA's layout ({@code .manifest}, {@code data.json}, {@code .rego} files under
 * their package folders) read from a directory, from the classpath ({@code classpath:writ-bundle}) or from
 * an OPA bundle archive ({@code bundle.tar.gz}, as {@code opa build} writes it).
 */
public record PolicyBundle(String location, String revision, Policy policy) {

    public static PolicyBundle load(String location) {
        if (location.startsWith("classpath:")) {
            return fromClasspath(location);
        }
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            return fromDirectory(location, path);
        }
        if (Files.isRegularFile(path) && BundleArchive.isArchive(path)) {
            return fromArchive(location, path);
        }
        throw new BundleException(location + (Files.exists(path)
                ? ": neither a directory nor an OPA bundle archive (.tar.gz, .tgz)"
                : ": not a directory or an OPA bundle archive: no such file"));
    }

    /**
     * Unpacks the archive into a private temporary directory, loads it from there and deletes it. File names
     * in error messages are given as {@code bundle.tar.gz!/path/in/bundle}, never the temporary directory.
     */
    private static PolicyBundle fromArchive(String location, Path archive) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("writ-bundle-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String prefix = tmp.toString();
        try {
            BundleArchive.extract(archive, tmp);
            return fromDirectory(location, tmp, name -> name.startsWith(prefix) ? location + "!" + name.substring(prefix.length()) : name);
        } catch (BundleException e) {
            throw new BundleException(e.getMessage().replace(prefix, location + "!"));
        } finally {
            BundleArchive.deleteTree(tmp);
        }
    }

    private static PolicyBundle fromClasspath(String location) {
        String root = location.substring("classpath:".length()).replaceAll("^/+|/+$", "");
        URL manifest = Thread.currentThread().getContextClassLoader().getResource(root + "/.manifest");
        if (manifest == null) {
            throw new BundleException(location + ": no " + root + "/.manifest on the classpath");
        }
        try {
            URI uri = manifest.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return fromDirectory(location, fs.getPath(root));
            }
            return fromDirectory(location, Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw new BundleException(location + ": " + e.getMessage());
        }
    }

    private static PolicyBundle fromDirectory(String location, Path dir) {
        return fromDirectory(location, dir, UnaryOperator.identity());
    }

    private static PolicyBundle fromDirectory(String location, Path dir, UnaryOperator<String> fileName) {
        String revision = "";
        Path manifest = dir.resolve(".manifest");
        if (Files.exists(manifest)) {
            try {
                Value m = Json.parse(Files.readString(manifest));
                if (m instanceof ObjectValue o && o.get("revision") instanceof StringValue r) {
                    revision = r.value();
                }
            } catch (IllegalArgumentException e) {
                throw new BundleException(location + "/.manifest: " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            Loader.Loaded loaded = Loader.load(List.of(dir));
            if (loaded.sources().isEmpty()) {
                throw new BundleException(location + ": no .rego files");
            }
            List<Policy.Source> sources = loaded.sources().stream()
                    .map(src -> new Policy.Source(fileName.apply(src.file()), src.text()))
                    .toList();
            return new PolicyBundle(location, revision, Policy.compile(sources, loaded.data()));
        } catch (Loader.LoadException e) {
            throw new BundleException(e.getMessage());
        }
    }

    /** A bundle that cannot be used: missing, unreadable, or not compiling. */
    public static final class BundleException extends RuntimeException {
        public BundleException(String message) {
            super(message, null, false, false);
        }
    }
}
