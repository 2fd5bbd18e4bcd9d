package dev.parley.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time from /proc, in clock ticks (100 a second): the machine's, one process's, and every Chromium
 * process's, summed by process type and by thread name. Thread names say what the time went to:
 * Chromium names its video, audio and compositor threads.
 */
final class BrowserCpu {
    private BrowserCpu() {}

    /** Busy ticks of the whole machine (idle and iowait are not work). */
    static long machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    static long processTicks(long pid) {
        return ticks(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** Every Chromium process's ticks by process type (browser, renderer, gpu-process, AudioService…). */
    static Map<String, Long> byProcessType() {
        return chromium(false);
    }

    /** Every Chromium thread's ticks by process type and thread name ("renderer AudioOutputDevice"…). */
    static Map<String, Long> byThread() {
        return chromium(true);
    }

    private static Map<String, Long> chromium(boolean threads) {
        Map<String, Long> ticks = new TreeMap<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                Path proc = Path.of("/proc", String.valueOf(p.pid()));
                String kind = chromiumType(Files.readString(proc.resolve("cmdline")));
                if (kind == null) {
                    return;
                }
                if (!threads) {
                    ticks.merge(kind, ticks(proc.resolve("stat")), Long::sum);
                    return;
                }
                try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                    tasks.forEach(task -> {
                        try {
                            // Linux keeps 15 characters of a name; numbered pool threads that fit (Foo2, Foo3) count as one.
                            String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+$", "");
                            ticks.merge(kind + " " + name, ticks(task.resolve("stat")), Long::sum);
                        } catch (IOException e) {
                            // the thread ended meanwhile
                        }
                    });
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        });
        return ticks;
    }

    /** The process type of a Chromium command line, or null for anything else (chromedriver included). */
    private static String chromiumType(String cmdline) {
        // Chromium rewrites its children's command lines as one string with spaces.
        String[] args = cmdline.split("[\\x00 ]+");
        if (args.length == 0 || !args[0].contains("chromium") || args[0].contains("driver")) {
            return null;
        }
        String kind = "browser";
        for (String a : args) {
            if (a.startsWith("--type=")) {
                kind = a.substring(7);
            } else if (a.startsWith("--utility-sub-type=")) {
                kind = a.substring(a.lastIndexOf('.') + 1);
            }
        }
        return kind;
    }

    /** utime + stime of a /proc stat file; 0 if it is gone. */
    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }
}
