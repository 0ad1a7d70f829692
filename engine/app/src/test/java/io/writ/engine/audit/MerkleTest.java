package io.writ.engine.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree as the log keeps it (complete-subtree hashes written by {@link Frontier}) against the tests' own
 * reading of RFC 9162 ({@link ReferenceMerkle}): roots, inclusion and consistency proofs for every size up to 64,
 * every index and every pair, and random larger trees.
 */
class MerkleTest {

    /** A tree built leaf by leaf as the sequencer builds it, with the nodes it would store. */
    private static final class Built {
        final List<byte[]> leaves = new ArrayList<>();
        final Map<String, byte[]> nodes = new HashMap<>();
        final List<byte[]> roots = new ArrayList<>(); // roots.get(n) = root after n leaves
        final Merkle.Nodes source = (level, index) -> {
            byte[] h = nodes.get(level + "/" + index);
            if (h == null) {
                throw new AssertionError("no node " + level + "/" + index);
            }
            return h;
        };

        Built(int size) {
            Frontier f = Frontier.load(source, 0);
            roots.add(f.root());
            for (int i = 0; i < size; i++) {
                byte[] leaf = Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8));
                leaves.add(leaf);
                List<AuditStore.Node> written = new ArrayList<>();
                f.append(leaf, written);
                for (AuditStore.Node n : written) {
                    assertThat(nodes.put(n.level() + "/" + n.index(), n.hash())).as("node written twice").isNull();
                }
                roots.add(f.root());
            }
        }
    }

    @Test
    void leafAndNodeHashesFollowRfc9162() {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(Merkle.leafHash(data)).isEqualTo(ReferenceMerkle.sha256((byte) 0, data));
        byte[] l = Merkle.leafHash(data);
        assertThat(Merkle.nodeHash(l, l)).isEqualTo(ReferenceMerkle.sha256((byte) 1, l, l));
        // the empty tree's root is the hash of the empty string
        assertThat(Merkle.emptyRoot()).isEqualTo(ReferenceMerkle.mth(List.of()));
    }

    @Test
    void rootsAndInclusionProofsForEverySizeUpTo64AndEveryIndex() {
        Built t = new Built(64);
        for (int n = 1; n <= 64; n++) {
            List<byte[]> leaves = t.leaves.subList(0, n);
            byte[] root = ReferenceMerkle.mth(leaves);
            assertThat(t.roots.get(n)).as("root of %d from the frontier", n).isEqualTo(root);
            assertThat(Merkle.root(t.source, n)).as("root of %d from stored nodes", n).isEqualTo(root);
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = Merkle.inclusionProof(t.source, m, n);
                assertThat(proof).as("PATH(%d, D[%d])", m, n).usingElementComparator(Arrays::compare)
                        .containsExactlyElementsOf(ReferenceMerkle.path(m, leaves));
                assertThat(ReferenceMerkle.verifyInclusion(m, n, leaves.get(m), proof, root)).isTrue();
                assertThat(Merkle.verifyInclusion(m, n, leaves.get(m), proof, root)).isTrue();
                // the wrong leaf, index or size fails both verifiers
                byte[] other = leaves.get((m + 1) % n);
                if (n > 1) {
                    assertThat(ReferenceMerkle.verifyInclusion(m, n, other, proof, root)).isFalse();
                    assertThat(Merkle.verifyInclusion(m, n, other, proof, root)).isFalse();
                    assertThat(Merkle.verifyInclusion((m + 1) % n, n, leaves.get(m), proof, root)).isFalse();
                }
                // against another tree's root (the checkpoint binds root and size together)
                byte[] otherRoot = t.roots.get(n == 1 ? 2 : n - 1);
                assertThat(ReferenceMerkle.verifyInclusion(m, n, leaves.get(m), proof, otherRoot)).isFalse();
                assertThat(Merkle.verifyInclusion(m, n, leaves.get(m), proof, otherRoot)).isFalse();
            }
        }
    }

    @Test
    void consistencyProofsForEveryPairUpTo64() {
        Built t = new Built(64);
        for (int n = 1; n <= 64; n++) {
            byte[] newRoot = t.roots.get(n);
            for (int m = 1; m <= n; m++) {
                byte[] oldRoot = t.roots.get(m);
                List<byte[]> proof = Merkle.consistencyProof(t.source, m, n);
                assertThat(proof).as("PROOF(%d, D[%d])", m, n).usingElementComparator(Arrays::compare)
                        .containsExactlyElementsOf(ReferenceMerkle.proof(m, t.leaves.subList(0, n)));
                assertThat(ReferenceMerkle.verifyConsistency(m, n, oldRoot, newRoot, proof)).as("%d -> %d", m, n).isTrue();
                assertThat(Merkle.verifyConsistency(m, n, oldRoot, newRoot, proof)).as("%d -> %d", m, n).isTrue();
                if (m < n) {
                    // a root that is not the old tree's (a rewritten history) fails both verifiers
                    byte[] forged = t.roots.get(m - 1 == 0 ? n : m - 1);
                    assertThat(ReferenceMerkle.verifyConsistency(m, n, forged, newRoot, proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, forged, newRoot, proof)).isFalse();
                    assertThat(Merkle.verifyConsistency(m, n, oldRoot, t.roots.get(n - 1), proof)).isFalse();
                }
            }
        }
    }

    @Test
    void randomLargerTrees() {
        Random random = new Random(20261128L);
        for (int round = 0; round < 6; round++) {
            int n = 65 + random.nextInt(3000);
            Built t = new Built(n);
            byte[] root = ReferenceMerkle.mth(t.leaves);
            assertThat(Merkle.root(t.source, n)).isEqualTo(root);
            for (int i = 0; i < 40; i++) {
                int m = random.nextInt(n);
                int size = m + 1 + random.nextInt(n - m);
                byte[] r = t.roots.get(size);
                List<byte[]> proof = Merkle.inclusionProof(t.source, m, size);
                assertThat(proof.size()).isLessThanOrEqualTo(64 - Long.numberOfLeadingZeros(size - 1));
                assertThat(ReferenceMerkle.verifyInclusion(m, size, t.leaves.get(m), proof, r)).isTrue();
                assertThat(Merkle.verifyInclusion(m, size, t.leaves.get(m), proof, r)).isTrue();

                int from = 1 + random.nextInt(size);
                List<byte[]> cons = Merkle.consistencyProof(t.source, from, size);
                assertThat(ReferenceMerkle.verifyConsistency(from, size, t.roots.get(from), r, cons)).isTrue();
                assertThat(Merkle.verifyConsistency(from, size, t.roots.get(from), r, cons)).isTrue();
                if (!cons.isEmpty()) {
                    List<byte[]> tampered = new ArrayList<>(cons);
                    byte[] h = tampered.getFirst().clone();
                    h[0] ^= 1;
                    tampered.set(0, h);
                    assertThat(ReferenceMerkle.verifyConsistency(from, size, t.roots.get(from), r, tampered)).isFalse();
                    assertThat(Merkle.verifyConsistency(from, size, t.roots.get(from), r, tampered)).isFalse();
                }
            }
        }
    }

    @Test
    void proofsReadLogarithmicallyManyNodes() {
        Built t = new Built(1000);
        int[] reads = {0};
        Merkle.Nodes counting = (level, index) -> {
            reads[0]++;
            return t.source.node(level, index);
        };
        Merkle.inclusionProof(counting, 3, 1000);
        assertThat(reads[0]).isLessThanOrEqualTo(2 * 10);
        reads[0] = 0;
        Merkle.consistencyProof(counting, 377, 1000);
        assertThat(reads[0]).isLessThanOrEqualTo(2 * 10);
    }
}
