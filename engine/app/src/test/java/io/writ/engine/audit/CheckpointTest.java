package io.writ.engine.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** C2SP checkpoints and signed notes, checked with nothing but the JDK and the published verifier key string. */
class CheckpointTest {
    private static final byte[] ROOT = ReferenceMerkle.leaf("root".getBytes(StandardCharsets.UTF_8));

    /** Verifies a signed note from the key string alone, as an auditor's own tool would. */
    static boolean jdkVerifies(String note, String verifierKey) throws Exception {
        String[] key = verifierKey.split("\\+", 3); // base64 may hold a +
        byte[] raw = Base64.getDecoder().decode(key[2]);
        assertThat(raw[0]).as("Ed25519 type byte").isEqualTo((byte) 1);
        byte[] pub = Arrays.copyOfRange(raw, 1, 33);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((key[0] + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
        byte[] id = Arrays.copyOf(sha.digest(pub), 4);
        assertThat(key[1]).isEqualTo(HexFormat.of().formatHex(id));

        int blank = note.lastIndexOf("\n\n");
        String text = note.substring(0, blank + 1);
        String line = note.substring(blank + 2, note.length() - 1);
        assertThat(line).startsWith("\u2014 " + key[0] + " ");
        byte[] blob = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        assertThat(Arrays.copyOf(blob, 4)).as("key id in the signature").isEqualTo(id);

        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(pub));
        PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(pk);
        s.update(text.getBytes(StandardCharsets.UTF_8));
        return s.verify(Arrays.copyOfRange(blob, 4, blob.length));
    }

    @Test
    void aCheckpointIsASignedNoteTheJdkVerifies() throws Exception {
        LogKey key = LogKey.generate("example.com/log");
        String note = new Checkpoint("example.com/log", 42, ROOT).sign(key);
        assertThat(note).startsWith("example.com/log\n42\n" + Base64.getEncoder().encodeToString(ROOT) + "\n\n\u2014 example.com/log ");
        assertThat(note).endsWith("\n");
        assertThat(jdkVerifies(note, key.verifier().toString())).isTrue();
        assertThat(Checkpoint.open(note, VerifierKey.parse(key.verifier().toString())))
                .isEqualTo(new Checkpoint("example.com/log", 42, ROOT));
    }

    @Test
    void aChangedCheckpointOrAnotherKeyFails() throws Exception {
        LogKey key = LogKey.generate("example.com/log");
        String note = new Checkpoint("example.com/log", 42, ROOT).sign(key);
        String forged = note.replaceFirst("\n42\n", "\n41\n");
        assertThat(jdkVerifies(forged, key.verifier().toString())).isFalse();
        assertThatThrownBy(() -> Checkpoint.open(forged, key.verifier()))
                .isInstanceOf(Checkpoint.InvalidCheckpoint.class).hasMessageContaining("does not match");
        VerifierKey other = LogKey.generate("example.com/log").verifier();
        assertThatThrownBy(() -> Checkpoint.open(note, other))
                .isInstanceOf(Checkpoint.InvalidCheckpoint.class).hasMessageContaining("no signature");
        assertThatThrownBy(() -> Checkpoint.open("example.com/log\n1\n", key.verifier()))
                .isInstanceOf(Checkpoint.InvalidCheckpoint.class);
    }

    @Test
    void keysRoundTripThroughTheirTextWithoutShowingThePrivatePart() {
        LogKey key = LogKey.generate("writ.example/audit");
        String text = key.privateText();
        assertThat(text).startsWith("PRIVATE+KEY+writ.example/audit+" + HexFormat.of().formatHex(key.keyId()) + "+");
        LogKey back = LogKey.parse(text);
        assertThat(back.verifier()).isEqualTo(key.verifier());
        assertThat(VerifierKey.parse(key.verifier().toString())).isEqualTo(key.verifier());
        String secret = text.substring(text.lastIndexOf('+') + 1);
        assertThat(key.toString()).doesNotContain(secret);
        assertThat(key.verifier().toString()).doesNotContain(secret);
        // a key id that does not belong to the key is refused
        assertThatThrownBy(() -> VerifierKey.parse(key.verifier().toString().replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogKey.parse("PRIVATE+KEY+a b+00+AA==")).isInstanceOf(IllegalArgumentException.class);
    }
}
