package dev.parley.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTML pages served by route rather than by file name. In development mode they are read from the
 * source folder on every request, so an edit shows on reload; otherwise they are read once.
 */
public final class Pages {
    private final Optional<Path> sourceDir;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public Pages(Optional<Path> sourceDir) {
        this.sourceDir = sourceDir;
    }

    public String get(String name) {
        return sourceDir.map(dir -> read(dir.resolve(name))).orElseGet(() -> cache.computeIfAbsent(name, Pages::load));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String load(String name) {
        try (InputStream in = Pages.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("page missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
