package dev.parley.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what a fuzz run sent and got back, and the violations it found (the first few kept whole). */
public final class FuzzStats {
    private static final int KEPT = 40;

    private final String name;
    private final LongAdder frames = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> categories = new ConcurrentHashMap<>();
    private final AtomicLong violationCount = new AtomicLong();
    private final List<String> violations = new ArrayList<>();

    public FuzzStats(String name) {
        this.name = name;
    }

    public void frame(String category, int payloadBytes) {
        frames.increment();
        bytes.add(payloadBytes);
        count(categories, category);
    }

    public void connection() {
        connections.increment();
    }

    public void error(String code) {
        count(errors, code);
    }

    public void close(String code) {
        count(closes, code);
    }

    public void outcome(String what) {
        count(outcomes, what);
    }

    public void violation(String what) {
        violationCount.incrementAndGet();
        synchronized (violations) {
            if (violations.size() < KEPT) {
                violations.add(what);
            }
        }
    }

    public long frames() {
        return frames.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public long connections() {
        return connections.sum();
    }

    public long violationCount() {
        return violationCount.get();
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public Map<String, Long> errors() {
        return snapshot(errors);
    }

    public Map<String, Long> closes() {
        return snapshot(closes);
    }

    public Map<String, Long> outcomes() {
        return snapshot(outcomes);
    }

    public Map<String, Long> categories() {
        return snapshot(categories);
    }

    /** A summary for people, and for assertion messages. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(name).append(": ").append(frames()).append(" frames (").append(bytes() / 1024).append(" KiB) on ")
                .append(connections()).append(" connections\n");
        out.append("  kinds of frame: ").append(categories()).append('\n');
        out.append("  errors by code: ").append(errors()).append('\n');
        out.append("  closes by code: ").append(closes()).append('\n');
        out.append("  other outcomes: ").append(outcomes()).append('\n');
        out.append("  violations: ").append(violationCount());
        for (String v : violations()) {
            out.append("\n    - ").append(v);
        }
        return out.toString();
    }

    /** The kind of a frame from its label: "mutated ...", "huge number in 'x'" and the like counted together. */
    public static String category(String label) {
        if (label.startsWith("mutated")) {
            return "mutated";
        }
        if (label.startsWith("hostile") || label.startsWith("aimed at")) {
            return "aimed at bystanders";
        }
        String cut = label.split("\\s[0-9]|['\"=(:]", 2)[0].strip();
        return cut.isEmpty() ? label : cut;
    }

    private static void count(Map<String, LongAdder> map, String key) {
        map.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
        Map<String, Long> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
