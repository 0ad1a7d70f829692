package io.writ.rego.ast;

/** A lexical token. {@code newlineBefore} lets the parser treat line breaks as expression separators. */
record Token(Kind kind, String text, int line, int col, boolean newlineBefore) {
    enum Kind { IDENT, NUMBER, STRING, RAW_STRING, PUNCT, EOF }

    boolean is(String punctOrKeyword) {
        return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(punctOrKeyword);
    }
}
