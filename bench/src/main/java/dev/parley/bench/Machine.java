package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole-machine CPU use, to tell how much of a run's CPU went to processes other than the two measured. */
final class Machine {
    private Machine() {}

    /** CPU time spent busy (not idle, not waiting for I/O) on all cores since boot, in nanoseconds. */
    static long busyNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * 10_000_000L; // USER_HZ = 100
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
