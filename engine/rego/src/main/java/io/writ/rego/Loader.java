package io.writ.rego;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.writ.rego.value.Json;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads policy files the way {@code opa eval -d} does: {@code .rego} files become modules; {@code .json},
 * {@code .yaml} and {@code .yml} files become data at the path of their directory relative to the root
 * given (so {@code policies/writ/data.json} under root {@code policies} is {@code data.writ}).
 */
public final class Loader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /** What was loaded: the Rego sources and the merged base data. */
    public record Loaded(List<Policy.Source> sources, Value data) {
        public Policy compile() {
            return Policy.compile(sources, data);
        }
    }

    /** A data file that does not parse; the message carries file, line and column. */
    public static final class LoadException extends RuntimeException {
        public LoadException(String message) {
            super(message, null, false, false);
        }
    }

    private Loader() {
    }

    public static Loaded load(List<Path> roots) {
        return load(roots, List.of());
    }

    /**
     * Like {@code opa eval -d ... --ignore ...}: files and folders whose name matches one of the glob
     * patterns (e.g. {@code scenarios}, {@code target}, {@code .*}) are skipped, with everything below them.
     */
    public static Loaded load(List<Path> roots, List<String> ignore) {
        List<java.nio.file.PathMatcher> skip = ignore.stream()
                .map(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<Policy.Source> sources = new ArrayList<>();
        Value data = ObjectValue.EMPTY;
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new LoadException(root + ": no such file or directory");
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(Files::isRegularFile).filter(f -> !ignored(root, f, skip)).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".rego")) {
                    sources.add(new Policy.Source(f.toString(), read(f)));
                } else if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
                    Path dir = Files.isDirectory(root) ? root.relativize(f.getParent() == null ? f : f.getParent()) : Path.of("");
                    List<Value> prefix = new ArrayList<>();
                    for (Path p : dir) {
                        if (!p.toString().isEmpty()) {
                            prefix.add(StringValue.of(p.toString()));
                        }
                    }
                    data = merge(data, nest(prefix, 0, parseData(f)), f);
                }
            }
        }
        return new Loaded(List.copyOf(sources), data);
    }

    private static boolean ignored(Path root, Path file, List<java.nio.file.PathMatcher> skip) {
        if (skip.isEmpty()) {
            return false;
        }
        Path rel = Files.isDirectory(root) ? root.relativize(file) : file.getFileName();
        for (Path part : rel) {
            for (java.nio.file.PathMatcher m : skip) {
                if (m.matches(part)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Value parseData(Path f) {
        String text = read(f);
        try {
            JsonNode node = f.toString().endsWith(".json") ? Json.MAPPER.readTree(text) : YAML.readTree(text);
            return Json.fromNode(node);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String where = l == null ? f.toString() : f + ":" + l.getLineNr() + ":" + l.getColumnNr();
            throw new LoadException(where + ": " + e.getOriginalMessage());
        }
    }

    private static Value nest(List<Value> prefix, int i, Value v) {
        if (i == prefix.size()) {
            return v;
        }
        return ObjectValue.builder().put(prefix.get(i), nest(prefix, i + 1, v)).build();
    }

    /** Deep merge of objects; two different non-object values at one path is an error. */
    static Value merge(Value a, Value b, Path file) {
        if (a instanceof ObjectValue ao && b instanceof ObjectValue bo) {
            ObjectValue.Builder out = ao.toBuilder();
            for (int i = 0; i < bo.size(); i++) {
                Value k = bo.keyAt(i);
                Value existing = ao.get(k);
                out.put(k, existing == null ? bo.valueAt(i) : merge(existing, bo.valueAt(i), file));
            }
            return out.build();
        }
        if (a.equals(b)) {
            return a;
        }
        throw new LoadException(file + ": merge error: conflicting values at the same data path");
    }
}
