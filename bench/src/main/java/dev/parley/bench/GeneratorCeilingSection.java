package dev.parley.bench;

import static dev.parley.bench.Report.ms;
import static dev.parley.bench.Report.num;
import static dev.parley.bench.Report.us;
import static dev.parley.bench.Suite.GEN_THREADS;
import static dev.parley.bench.Suite.MESSAGE_BYTES;


/**
 * The generator's ceiling: the relay generator against the bench's trivial relay, which does next to
 * nothing, so the relay section's figures can be read against what the generator itself can drive.
 */
final class GeneratorCeilingSection {
    private final Env env;
    private final Report report;

    GeneratorCeilingSection(Env env, Report report) {
        this.env = env;
        this.report = report;
    }

    void run() throws Exception {
        report.md("");
        report.md("### Generator ceiling against the bench's trivial relay (one thread, no parsing beyond dst)");
        report.md("");
        report.md("| peers | W | msg/s | p50 | p99 | generator CPU/msg | generator cores | relay CPU/msg |");
        report.md("|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (Server trivial = Server.trivial(env, "trivial-relay")) {
            new RelayGen("trivial", trivial.address(), 50, 8, MESSAGE_BYTES, GEN_THREADS, "cw").run(2000, 500, trivial::cpuNanos);
            int n = 0;
            for (int[] cfg : new int[][] {{50, 8}, {500, 8}}) {
                RelayGen.Result r = new RelayGen("trivial", trivial.address(), cfg[0], cfg[1], MESSAGE_BYTES, GEN_THREADS, "c" + n++)
                        .run(1500, 5000, trivial::cpuNanos);
                report.md(String.format("| %d | %d | %s | %s | %s | %s | %.2f | %s |", cfg[0], cfg[1], num(r.perSecond()), ms(r.p50()), ms(r.p99()),
                        us(r.generatorCpuPerMessageMicros()), r.generatorCpuNanos() / 1e9 / r.seconds(), us(r.serverCpuPerMessageMicros())));
            }
        }
    }
}
