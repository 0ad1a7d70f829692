package io.writ.rego.ast;

import java.util.List;

/** One parsed source file. {@code pkg} is the package path below {@code data}. */
public record Module(String file, List<String> pkg, Location loc, List<Import> imports, List<Rule> rules) {

    /** {@code import data.a.b as c}: {@code path} starts with the root ({@code data}/{@code input}). */
    public record Import(Term.Ref path, String alias, Location loc) {
    }
}
