package dev.parley.bench;

import static dev.parley.bench.Report.ms;
import static dev.parley.bench.Report.num;
import static dev.parley.bench.Report.us;
import static dev.parley.bench.Suite.GEN_THREADS;

import java.util.List;

/** Section 3, Parley's room protocol at {@code /ws}: join latency and chat fan-out in rooms of 2, 4 and 8. */
final class RoomSection {
    private final Env env;
    private final Report report;

    RoomSection(Env env, Report report) {
        this.env = env;
        this.report = report;
    }

    void run() throws Exception {
        report.md("");
        report.md("### Parley room protocol (/ws): join latency and chat fan-out");
        report.md("");
        int participants = 2000;
        double rate = 500;
        double chat = 1.5;
        report.md(participants + " participants per run, in rooms of k, joining at " + (int) rate + "/s; then each sends "
                + chat + " chat messages per second (allowance: 2/s) for 5 s; every delivery (sender included) is timed.");
        report.md("");
        report.md("| k | rooms | join p50 | join p99 | join max | chats sent/s | deliveries/s | chat p50 | chat p99 | chat p99.9 | server CPU/delivery | errors |");
        report.md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (Server s = Server.parley(env, "parley-room", List.of(), List.of())) {
            new RoomGen(s.address(), 4, 400, 400, chat, GEN_THREADS).run(2000, s::cpuNanos); // warm-up
            for (int k : new int[] {2, 4, 8}) {
                RoomGen.Result r = new RoomGen(s.address(), k, participants, rate, chat, GEN_THREADS).run(5000, s::cpuNanos);
                report.md(String.format("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d%s |", k, r.participants() / k,
                        ms(r.joinP50()), ms(r.joinP99()), ms(r.joinMax()), num(r.chatsSent() / r.chatSeconds()),
                        num(r.deliveriesPerSecond()), ms(r.chatP50()), ms(r.chatP99()), ms(r.chatP999()),
                        us(r.deliveries() == 0 ? Double.NaN : r.serverCpuNanos() / 1000.0 / r.deliveries()), r.errors(),
                        r.problem() == null ? "" : " " + r.problem()));
                Thread.sleep(500);
            }
        }
    }
}
