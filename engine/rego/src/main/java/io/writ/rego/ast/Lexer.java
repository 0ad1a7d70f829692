package io.writ.rego.ast;

import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens. Comments run from {@code #} to the end of the line. */
final class Lexer {
    private static final String[] PUNCT = {
        ":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", "=", "<", ">",
        "+", "-", "*", "/", "%", "&", "|", "!"
    };

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int col = 1;

    Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    List<Token> tokens() {
        List<Token> out = new ArrayList<>();
        boolean newline = true;
        while (true) {
            // skip white space and comments, remembering whether a line ended
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '\n') {
                    newline = true;
                    advance();
                } else if (c == ' ' || c == '\t' || c == '\r') {
                    advance();
                } else if (c == '#') {
                    while (pos < src.length() && src.charAt(pos) != '\n') {
                        advance();
                    }
                } else {
                    break;
                }
            }
            int l = line;
            int cl = col;
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", l, cl, true));
                return out;
            }
            char c = src.charAt(pos);
            Token t;
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    advance();
                }
                t = new Token(Token.Kind.IDENT, src.substring(start, pos), l, cl, newline);
            } else if (Character.isDigit(c) || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))
                    && !prevIsTermEnd(out))) {
                t = new Token(Token.Kind.NUMBER, number(), l, cl, newline);
            } else if (c == '"') {
                t = new Token(Token.Kind.STRING, string(), l, cl, newline);
            } else if (c == '`') {
                advance();
                int start = pos;
                while (pos < src.length() && src.charAt(pos) != '`') {
                    advance();
                }
                if (pos >= src.length()) {
                    throw new RegoSyntaxError(new Location(file, l, cl), "unterminated raw string");
                }
                String s = src.substring(start, pos);
                advance();
                t = new Token(Token.Kind.RAW_STRING, s, l, cl, newline);
            } else {
                String p = null;
                for (String cand : PUNCT) {
                    if (src.startsWith(cand, pos)) {
                        p = cand;
                        break;
                    }
                }
                if (p == null) {
                    throw new RegoSyntaxError(new Location(file, l, cl), "illegal token '" + c + "'");
                }
                for (int i = 0; i < p.length(); i++) {
                    advance();
                }
                t = new Token(Token.Kind.PUNCT, p, l, cl, newline);
            }
            out.add(t);
            newline = false;
        }
    }

    private static boolean prevIsTermEnd(List<Token> out) {
        if (out.isEmpty()) {
            return false;
        }
        Token p = out.get(out.size() - 1);
        return p.kind() == Token.Kind.IDENT || p.is("]") || p.is(")");
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }

    private String number() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            advance();
        }
        if (pos < src.length() && src.charAt(pos) == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))) {
            advance();
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                advance();
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            int sl = line;
            int sc = col;
            advance();
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                advance();
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    advance();
                }
            } else {
                pos = save;
                line = sl;
                col = sc;
            }
        }
        return src.substring(start, pos);
    }

    private String string() {
        int l = line;
        int cl = col;
        advance();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw new RegoSyntaxError(new Location(file, l, cl), "non-terminated string");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                advance();
                return sb.toString();
            }
            if (c == '\\') {
                advance();
                if (pos >= src.length()) {
                    throw new RegoSyntaxError(new Location(file, l, cl), "non-terminated string");
                }
                char e = src.charAt(pos);
                advance();
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > src.length()) {
                            throw new RegoSyntaxError(new Location(file, line, col), "invalid unicode escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new RegoSyntaxError(new Location(file, line, col), "invalid unicode escape");
                        }
                        for (int i = 0; i < 4; i++) {
                            advance();
                        }
                    }
                    default -> throw new RegoSyntaxError(new Location(file, line, col - 1), "invalid escape sequence \\" + e);
                }
            } else {
                sb.append(c);
                advance();
            }
        }
    }
}
