package dev.parley.bench;

/**
 * Latency counts in log-linear buckets: exact below 64 ns, then 64 buckets per power of two (under
 * 1.6% error), up to about 18 minutes. Not thread-safe: one per loop thread, merged afterwards.
 */
final class Histogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (41 - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        int index;
        if (v < SUB) {
            index = (int) v;
        } else {
            int exponent = 63 - Long.numberOfLeadingZeros(v);
            int shift = exponent - SUB_BITS;
            index = (shift + 1) * SUB + (int) ((v >>> shift) & (SUB - 1));
        }
        counts[Math.min(index, BUCKETS - 1)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at quantile {@code q} (0..1), in nanoseconds, or 0 when empty. */
    long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return valueOf(i);
            }
        }
        return max;
    }

    private static long valueOf(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index % SUB;
        return ((SUB + sub) << shift) + ((1L << shift) >> 1);
    }
}
