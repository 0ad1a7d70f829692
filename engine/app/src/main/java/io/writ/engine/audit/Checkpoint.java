package io.writ.engine.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A tree head as a C2SP checkpoint: the origin line, the tree size in decimal and the base64 root hash, each
 * followed by a newline. {@link #sign} makes it a signed note; {@link #open} checks one and reads it back.
 */
public record Checkpoint(String origin, long size, byte[] root) {

    public Checkpoint {
        if (origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
        }
        if (size < 0 || root.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a checkpoint has a size >= 0 and a 32-byte root");
        }
        root = root.clone();
    }

    /** The note text the signature covers. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    }

    /** The signed note: body, a blank line, the signature line. */
    public String sign(LogKey key) {
        String body = body();
        return body + "\n" + key.signatureLine(body);
    }

    /**
     * Checks a signed checkpoint against the verifier key and reads it. Lines signed by other keys are ignored, as
     * C2SP signed-note says; there must be one valid signature by this key.
     *
     * @throws InvalidCheckpoint with what is wrong, in words an auditor can act on
     */
    public static Checkpoint open(String note, VerifierKey key) {
        int split = note.lastIndexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new InvalidCheckpoint("not a signed note: no blank line between text and signatures, or no final newline");
        }
        String body = note.substring(0, split + 1);
        boolean signed = false;
        for (String line : note.substring(split + 2, note.length() - 1).split("\n", -1)) {
            if (!line.startsWith("\u2014 ")) {
                throw new InvalidCheckpoint("malformed signature line: '" + line + "'");
            }
            String[] parts = line.substring(2).split(" ");
            if (parts.length != 2) {
                throw new InvalidCheckpoint("malformed signature line: '" + line + "'");
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new InvalidCheckpoint("signature of " + parts[0] + " is not base64");
            }
            if (!parts[0].equals(key.name()) || blob.length < 4 || !Arrays.equals(Arrays.copyOf(blob, 4), key.keyId())) {
                continue;
            }
            if (!key.verify(body.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(blob, 4, blob.length))) {
                throw new InvalidCheckpoint("the signature of " + key.name() + " does not match the checkpoint text");
            }
            signed = true;
        }
        if (!signed) {
            throw new InvalidCheckpoint("the checkpoint carries no signature by " + key);
        }
        String[] lines = body.split("\n", -1);
        if (lines.length < 4) {
            throw new InvalidCheckpoint("a checkpoint has an origin, a size and a root hash line");
        }
        try {
            long size = Long.parseLong(lines[1]);
            byte[] root = Base64.getDecoder().decode(lines[2]);
            return new Checkpoint(lines[0], size, root);
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpoint("malformed checkpoint text: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && Arrays.equals(c.root, root);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Arrays.hashCode(root);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", size " + size + ", root " + Base64.getEncoder().encodeToString(root) + "]";
    }

    /** A checkpoint that is malformed or not signed by the expected key. */
    public static final class InvalidCheckpoint extends RuntimeException {
        public InvalidCheckpoint(String message) {
            super(message);
        }
    }
}
