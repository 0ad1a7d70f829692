package io.writ.engine.evaluation;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads an OPA bundle archive ({@code .tar.gz}): unpacks the files a bundle is made of ({@code .manifest},
 * {@code *.rego}, {@code data.json}, {@code data.yaml}) into a directory, and refuses archives that could
 * write outside it or exhaust the disk.
 *
 * <p>{@code opa build} names entries from the bundle root with a leading slash ({@code /data.json}); that
 * slash means the bundle's root here, never the file system's. Entries with {@code ..}, backslashes,
 * links or device files are refused, as are archives larger than {@link #MAX_BYTES} unpacked.
 */
final class BundleArchive {
    /** Unpacked size limit: far above any policy bundle, far below a full disk. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private BundleArchive() {
    }

    static boolean isArchive(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".tar.gz") || name.endsWith(".tgz");
    }

    static void extract(Path archive, Path into) {
        String label = archive.getFileName().toString();
        long total = 0;
        try (InputStream raw = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(raw)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = safeName(label, entry.getName());
                if (name.isEmpty()) {
                    continue; // the root directory itself
                }
                Path target = into.resolve(name).normalize();
                if (!target.startsWith(into)) {
                    throw new PolicyBundle.BundleException(label + ": entry '" + entry.getName() + "' points outside the bundle");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink() || entry.isLink()) {
                    throw new PolicyBundle.BundleException(label + ": entry '" + entry.getName() + "' is a link; bundles hold plain files only");
                } else if (!entry.isFile()) {
                    throw new PolicyBundle.BundleException(label + ": entry '" + entry.getName() + "' is not a plain file");
                } else if (isBundleFile(target)) {
                    Files.createDirectories(target.getParent());
                    total += copy(tar, target, MAX_BYTES - total, label, entry.getName());
                }
                // other plain files (.signatures.json, policy.wasm, plan.json...) are not read by this engine
            }
        } catch (FileAlreadyExistsException e) {
            throw new PolicyBundle.BundleException(label + ": an entry appears twice: " + e.getFile());
        } catch (IOException e) {
            throw new PolicyBundle.BundleException(label + ": not a readable .tar.gz: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (IllegalArgumentException e) {
            // commons-compress reports some malformed headers this way
            throw new PolicyBundle.BundleException(label + ": not a readable .tar.gz: " + e.getMessage());
        }
    }

    /** The entry's path relative to the bundle root, or a refusal. */
    static String safeName(String label, String name) {
        if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new PolicyBundle.BundleException(label + ": entry '" + name + "' has a forbidden character");
        }
        String relative = name.startsWith("/") ? name.substring(1) : name;
        if (relative.startsWith("/")) {
            throw new PolicyBundle.BundleException(label + ": entry '" + name + "' is an absolute path");
        }
        for (String segment : relative.split("/")) {
            if (segment.equals("..")) {
                throw new PolicyBundle.BundleException(label + ": entry '" + name + "' climbs out of the bundle with '..'");
            }
        }
        return relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
    }

    private static boolean isBundleFile(Path file) {
        String n = file.getFileName().toString();
        return n.equals(".manifest") || n.endsWith(".rego")
                || n.equals("data.json") || n.equals("data.yaml") || n.equals("data.yml");
    }

    private static long copy(InputStream in, Path target, long budget, String label, String entry) throws IOException {
        long n = 0;
        byte[] buf = new byte[8192];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                if (n > budget) {
                    throw new PolicyBundle.BundleException(label + ": larger than " + (MAX_BYTES >> 20)
                            + " MiB unpacked (at entry '" + entry + "')");
                }
                out.write(buf, 0, r);
            }
        }
        return n;
    }

    /** Deletes a directory tree; best effort, as it only ever holds a temporary copy. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
    }
}
