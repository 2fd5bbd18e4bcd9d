package dev.parley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmark sections against servers it starts on loopback and prints their tables (also
 * written as Markdown to the results file). Usage (bench/run passes the paths):
 * {@code Suite [--quick] [--sections relay,ceiling,idle,room,jfr] [--out FILE]}. Each section is a class of
 * its own ({@link RelaySection}, {@link GeneratorCeilingSection}, {@link IdleSection}, {@link RoomSection},
 * {@link JfrSection}); this one picks them, runs them in order and writes what they reported.
 */
public final class Suite {
    /** Selector threads of the relay and room generators, in this JVM. */
    static final int GEN_THREADS = 2;
    /** The size of the relayed OFFER/ANSWER frames. */
    static final int MESSAGE_BYTES = 1400;

    private final Env env;
    private final boolean quick;
    private final Report report = new Report();
    private String finalCpuLine;
    private String finalRatioLine;

    private Suite(Env env, boolean quick) {
        this.env = env;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        boolean quick = false;
        Set<String> sections = new LinkedHashSet<>(List.of("relay", "ceiling", "idle", "room", "jfr"));
        Path out = null;
        Path finalLines = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--sections" -> sections = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--out" -> out = Path.of(args[++i]);
                case "--final" -> finalLines = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (quick) {
            sections.retainAll(Set.of("relay"));
        }
        Suite suite = new Suite(Env.fromSystemProperties(), quick);
        Thread.sleep(300); // let this JVM's own start-up work settle
        long b0 = Machine.busyNanos();
        long own0 = RelayGen.processCpu();
        Thread.sleep(1000);
        double busy = Math.max(0, (Machine.busyNanos() - b0) - (RelayGen.processCpu() - own0)) / 1e9;
        suite.report.md("- other load before the run: " + String.format("%.2f", busy) + " of " + Runtime.getRuntime().availableProcessors()
                + " cores busy" + (busy > 0.25 ? " (WARNING: the machine is shared right now; figures will be noisy)" : ""));
        try {
            for (String section : sections) {
                suite.run(section);
            }
        } finally {
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, suite.report.markdown());
            }
        }
        if (suite.finalRatioLine != null) {
            // bench/run prints these last, after any browser part; without --final they are printed here
            String last = suite.finalCpuLine + "\n" + suite.finalRatioLine + "\n";
            if (finalLines != null) {
                Files.writeString(finalLines, last);
            } else {
                System.out.print(last);
            }
        }
        System.exit(0);
    }

    private void run(String section) throws Exception {
        switch (section) {
            case "relay" -> {
                RelaySection relay = new RelaySection(env, report, quick);
                relay.run();
                finalCpuLine = relay.finalCpuLine();
                finalRatioLine = relay.finalRatioLine();
            }
            case "ceiling" -> new GeneratorCeilingSection(env, report).run();
            case "idle" -> new IdleSection(env, report).run();
            case "room" -> new RoomSection(env, report).run();
            case "jfr" -> new JfrSection(env, report).run();
            case "none" -> { }
            default -> throw new IllegalArgumentException("unknown section " + section);
        }
    }
}
