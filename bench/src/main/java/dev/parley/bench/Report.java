package dev.parley.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Where the suite's results go: progress lines to the console, table lines to the console and the Markdown
 * results file; plus the number formats and the median the sections' tables share.
 */
final class Report {
    private final StringBuilder markdown = new StringBuilder();

    /** A line for the console only: progress and per-run detail. */
    void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** A line that goes to the console and to the Markdown results. */
    void md(String line) {
        say(line);
        markdown.append(line).append('\n');
    }

    /** Everything {@link #md} wrote, for the results file. */
    String markdown() {
        return markdown.toString();
    }

    static String ms(long nanos) {
        double v = nanos / 1e6;
        return v < 10 ? String.format("%.2f ms", v) : v < 100 ? String.format("%.1f ms", v) : String.format("%.0f ms", v);
    }

    static String us(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format("%.1f µs", micros);
    }

    static String num(double v) {
        return String.format("%,.0f", v);
    }

    static String kb(double bytes) {
        return String.format("%.1f KB", bytes / 1024);
    }

    static String mb(double bytes) {
        return String.format("%.0f MB", bytes / 1048576);
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().filter(d -> !Double.isNaN(d)).sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static <T> double median(List<T> items, ToDoubleFunction<T> f) {
        return median(items.stream().map(x -> f.applyAsDouble(x)).toList());
    }
}
