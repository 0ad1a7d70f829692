package io.writ.engine.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of the tree: the roots of the complete subtrees that a tree of {@link #size()} leaves splits
 * into (one per set bit of the size, largest first). Appending a leaf merges equal-sized subtrees and yields
 * the new complete-subtree hashes to store; the root folds the edge from the right.
 */
final class Frontier {
    private long size;
    private final List<byte[]> hashes;
    private final List<Integer> levels;

    private Frontier(long size, List<byte[]> hashes, List<Integer> levels) {
        this.size = size;
        this.hashes = hashes;
        this.levels = levels;
    }

    /** The edge of a stored tree of {@code size} leaves: one node read per set bit. */
    static Frontier load(Merkle.Nodes nodes, long size) {
        List<byte[]> hashes = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            long width = 1L << level;
            if ((size & width) != 0) {
                hashes.add(nodes.node(level, start >> level));
                levels.add(level);
                start += width;
            }
        }
        return new Frontier(size, hashes, levels);
    }

    Frontier copy() {
        return new Frontier(size, new ArrayList<>(hashes), new ArrayList<>(levels));
    }

    long size() {
        return size;
    }

    /** Adds a leaf; {@code out} receives the leaf's node and every subtree it completes. */
    void append(byte[] leafHash, List<AuditStore.Node> out) {
        long index = size;
        byte[] h = leafHash;
        int level = 0;
        out.add(new AuditStore.Node(0, index, h));
        while (!levels.isEmpty() && levels.getLast() == level) {
            h = Merkle.nodeHash(hashes.removeLast(), h);
            levels.removeLast();
            level++;
            index >>= 1;
            out.add(new AuditStore.Node(level, index, h));
        }
        hashes.add(h);
        levels.add(level);
        size++;
    }

    byte[] root() {
        if (size == 0) {
            return Merkle.emptyRoot();
        }
        byte[] r = hashes.getLast();
        for (int i = hashes.size() - 2; i >= 0; i--) {
            r = Merkle.nodeHash(hashes.get(i), r);
        }
        return r;
    }
}
