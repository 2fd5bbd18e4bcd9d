package dev.parley.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the documentation promises, read from the documents themselves so the fuzzers hold the server to
 * exactly what PROTOCOL.md and docs/peerjs.md say: documenting a code (or a behaviour) is how it becomes
 * acceptable.
 */
public record ProtocolDoc(Set<String> errorCodes, Set<Integer> closeCodes, boolean binaryFramesIgnored) {

    private static final Pattern CODE_ROW = Pattern.compile("^\\|\\s*`([a-z-]+)`\\s*\\|", Pattern.MULTILINE);
    private static final Pattern CLOSE_ROW = Pattern.compile("^\\|\\s*(\\d{4})\\s*\\|", Pattern.MULTILINE);
    /** A close code in parentheses, as docs/peerjs.md writes them: "then a close (1000)", "(close 4000)". */
    private static final Pattern PAREN_CLOSE = Pattern.compile("\\((?:close |WebSocket code )?(\\d{4})\\)");
    private static final Pattern BINARY_IGNORED =
            Pattern.compile("binary frames?[^.]*\\bignored\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** The /ws protocol: the "Error codes" and "WebSocket close codes" tables of PROTOCOL.md. */
    public static ProtocolDoc signaling(Path repo) {
        String doc = read(repo.resolve("PROTOCOL.md"));
        Set<String> codes = new TreeSet<>();
        Matcher m = CODE_ROW.matcher(section(doc, "## Error codes"));
        while (m.find()) {
            codes.add(m.group(1));
        }
        Set<Integer> closes = new TreeSet<>();
        Matcher c = CLOSE_ROW.matcher(section(doc, "## WebSocket close codes"));
        while (c.find()) {
            closes.add(Integer.parseInt(c.group(1)));
        }
        if (codes.size() < 5 || closes.isEmpty()) {
            throw new IllegalStateException("could not read the error and close code tables of PROTOCOL.md");
        }
        return new ProtocolDoc(Set.copyOf(codes), Set.copyOf(closes), BINARY_IGNORED.matcher(doc).find());
    }

    /** The PeerJS endpoint: no error codes (bad frames are ignored); close codes as docs/peerjs.md names them. */
    public static ProtocolDoc peerjs(Path repo) {
        String doc = read(repo.resolve("docs/peerjs.md"));
        Set<Integer> closes = new TreeSet<>();
        Matcher c = PAREN_CLOSE.matcher(doc);
        while (c.find()) {
            closes.add(Integer.parseInt(c.group(1)));
        }
        if (closes.isEmpty()) {
            throw new IllegalStateException("could not find close codes in docs/peerjs.md");
        }
        return new ProtocolDoc(Set.of(), Set.copyOf(closes), BINARY_IGNORED.matcher(doc).find());
    }

    /** The repository root: the working directory for Maven and the bench script alike. */
    public static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("PROTOCOL.md"))) {
                return p;
            }
        }
        throw new IllegalStateException("PROTOCOL.md not found from " + dir);
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        if (start < 0) {
            throw new IllegalStateException("PROTOCOL.md has no section '" + heading + "'");
        }
        int end = doc.indexOf("\n## ", start + heading.length());
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
