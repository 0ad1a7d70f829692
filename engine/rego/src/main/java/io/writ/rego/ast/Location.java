package io.writ.rego.ast;

/** A position in a source file, 1-based, as OPA reports it. */
public record Location(String file, int line, int col) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
