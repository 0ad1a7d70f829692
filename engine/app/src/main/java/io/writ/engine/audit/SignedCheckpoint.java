package io.writ.engine.audit;

/** A stored tree head: its size, root hash and the signed C2SP checkpoint note. */
public record SignedCheckpoint(long size, byte[] root, String note) {
}
