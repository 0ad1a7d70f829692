package io.writ.engine.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 §2.1 written straight from its recursive definitions, over the whole list of leaf hashes: the tests'
 * own tree, proofs and verifiers, sharing no code with {@link Merkle}.
 */
final class ReferenceMerkle {
    private ReferenceMerkle() {
    }

    static byte[] sha256(byte prefix, byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(prefix);
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] leaf(byte[] data) {
        return sha256((byte) 0, data);
    }

    private static int k(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    /** MTH(D[n]) over leaf hashes. */
    static byte[] mth(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            try {
                return MessageDigest.getInstance("SHA-256").digest();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        if (leaves.size() == 1) {
            return leaves.getFirst();
        }
        int k = k(leaves.size());
        return sha256((byte) 1, mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    /** PATH(m, D[n]). */
    static List<byte[]> path(int m, List<byte[]> leaves) {
        int n = leaves.size();
        List<byte[]> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = k(n);
        if (m < k) {
            out.addAll(path(m, leaves.subList(0, k)));
            out.add(mth(leaves.subList(k, n)));
        } else {
            out.addAll(path(m - k, leaves.subList(k, n)));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
    static List<byte[]> proof(int m, List<byte[]> leaves) {
        return subproof(m, leaves, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> leaves, boolean b) {
        int n = leaves.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(mth(leaves));
            }
            return out;
        }
        int k = k(n);
        if (m <= k) {
            out.addAll(subproof(m, leaves.subList(0, k), b));
            out.add(mth(leaves.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, leaves.subList(k, n), false));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    /** The root an inclusion proof implies, undoing PATH from its last (topmost) element; null when malformed. */
    static byte[] rootFromInclusion(long m, long n, byte[] leafHash, List<byte[]> proof) {
        if (n == 1) {
            return proof.isEmpty() ? leafHash : null;
        }
        if (proof.isEmpty()) {
            return null;
        }
        long k = k((int) n);
        byte[] sibling = proof.getLast();
        List<byte[]> rest = proof.subList(0, proof.size() - 1);
        if (m < k) {
            byte[] left = rootFromInclusion(m, k, leafHash, rest);
            return left == null ? null : sha256((byte) 1, left, sibling);
        }
        byte[] right = rootFromInclusion(m - k, n - k, leafHash, rest);
        return right == null ? null : sha256((byte) 1, sibling, right);
    }

    static boolean verifyInclusion(long m, long n, byte[] leafHash, List<byte[]> proof, byte[] root) {
        byte[] r = m >= 0 && m < n ? rootFromInclusion(m, n, leafHash, proof) : null;
        return r != null && Arrays.equals(r, root);
    }

    /** Whether a consistency proof takes (m, oldRoot) to (n, newRoot), undoing SUBPROOF from its last element. */
    static boolean verifyConsistency(long m, long n, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (m < 1 || m > n) {
            return false;
        }
        if (m == n) {
            return proof.isEmpty() && Arrays.equals(oldRoot, newRoot);
        }
        byte[][] roots = undo(m, n, true, oldRoot, proof);
        return roots != null && Arrays.equals(roots[0], oldRoot) && Arrays.equals(roots[1], newRoot);
    }

    // returns {root of the first m leaves of this subtree, root of the whole subtree}
    private static byte[][] undo(long m, long n, boolean b, byte[] oldRoot, List<byte[]> proof) {
        if (m == n) {
            if (b) {
                return proof.isEmpty() ? new byte[][]{oldRoot, oldRoot} : null;
            }
            return proof.size() == 1 ? new byte[][]{proof.getFirst(), proof.getFirst()} : null;
        }
        if (proof.isEmpty()) {
            return null;
        }
        long k = k((int) n);
        byte[] sibling = proof.getLast();
        List<byte[]> rest = proof.subList(0, proof.size() - 1);
        if (m <= k) {
            byte[][] r = undo(m, k, b, oldRoot, rest);
            return r == null ? null : new byte[][]{r[0], sha256((byte) 1, r[1], sibling)};
        }
        byte[][] r = undo(m - k, n - k, false, oldRoot, rest);
        return r == null ? null : new byte[][]{sha256((byte) 1, sibling, r[0]), sha256((byte) 1, sibling, r[1])};
    }
}
