package io.writ.engine.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RFC 9162 (Certificate Transparency 2.0) Merkle tree over the audit log, computed from the hashes of its
 * complete subtrees: node ({@code level}, {@code index}) is the root of leaves
 * [{@code index·2^level}, {@code (index+1)·2^level}). Those never change once written, so a proof for any tree
 * size reads O(log n) of them and hashes nothing else.
 */
public final class Merkle {
    public static final int HASH_SIZE = 32;

    private Merkle() {
    }

    /** Reads stored hashes of complete subtrees. */
    @FunctionalInterface
    public interface Nodes {
        byte[] node(int level, long index);
    }

    /** SHA-256(0x00 ‖ leaf). */
    public static byte[] leafHash(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0);
        return sha.digest(leaf);
    }

    /** SHA-256(0x01 ‖ left ‖ right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }

    /** The root of the empty tree: SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The largest power of two smaller than {@code n} (n ≥ 2): where RFC 9162 splits a tree. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** The root of leaves [start, end), end > start, from complete-subtree hashes. */
    public static byte[] hash(Nodes nodes, long start, long end) {
        long size = end - start;
        if (Long.bitCount(size) == 1 && start % size == 0) {
            return nodes.node(Long.numberOfTrailingZeros(size), start / size);
        }
        long k = split(size);
        return nodeHash(hash(nodes, start, start + k), hash(nodes, start + k, end));
    }

    /** The root of a tree of {@code size} leaves (the empty root for 0). */
    public static byte[] root(Nodes nodes, long size) {
        return size == 0 ? emptyRoot() : hash(nodes, 0, size);
    }

    /** RFC 9162 §2.1.3.1: the inclusion proof of leaf {@code index} in the tree of {@code size} leaves. */
    public static List<byte[]> inclusionProof(Nodes nodes, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index " + index + " is not in a tree of size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        inclusion(nodes, index, 0, size, path);
        return path;
    }

    private static void inclusion(Nodes nodes, long m, long start, long end, List<byte[]> path) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m - start < k) {
            inclusion(nodes, m, start, start + k, path);
            path.add(hash(nodes, start + k, end));
        } else {
            inclusion(nodes, m, start + k, end, path);
            path.add(hash(nodes, start, start + k));
        }
    }

    /** RFC 9162 §2.1.4.1: the consistency proof between the trees of {@code from} and {@code to} leaves. */
    public static List<byte[]> consistencyProof(Nodes nodes, long from, long to) {
        if (from < 1 || from > to) {
            throw new IllegalArgumentException("no consistency proof from size " + from + " to size " + to
                    + "; it needs 1 <= from <= to");
        }
        List<byte[]> proof = new ArrayList<>();
        if (from < to) {
            subproof(nodes, from, 0, to, true, proof);
        }
        return proof;
    }

    private static void subproof(Nodes nodes, long m, long start, long end, boolean complete, List<byte[]> proof) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                proof.add(hash(nodes, start, end));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(nodes, m, start, start + k, complete, proof);
            proof.add(hash(nodes, start + k, end));
        } else {
            subproof(nodes, m - k, start + k, end, false, proof);
            proof.add(hash(nodes, start, start + k));
        }
    }

    /** RFC 9162 §2.1.3.2: whether {@code proof} shows the leaf hash at {@code index} in the tree with {@code root}. */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 §2.1.4.2: whether {@code proof} shows the tree (to, newRoot) extends the tree (from, oldRoot). */
    public static boolean verifyConsistency(long from, long to, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (from < 1 || from > to) {
            return false;
        }
        if (from == to) {
            return proof.isEmpty() && Arrays.equals(oldRoot, newRoot);
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(from) == 1) {
            path.addFirst(oldRoot);
        }
        long fn = from - 1;
        long sn = to - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.getFirst();
        byte[] sr = path.getFirst();
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, oldRoot) && Arrays.equals(sr, newRoot);
    }
}
