package dev.parley.fuzz;

import static dev.parley.fuzz.WsFrames.MAX_FRAME;

import dev.parley.fuzz.FrameMutator.Frame;
import dev.parley.fuzz.Json.Obj;
import dev.parley.fuzz.Json.Raw;
import dev.parley.fuzz.WsFrames.Expect;
import dev.parley.fuzz.WsFrames.State;
import java.nio.charset.StandardCharsets;

/**
 * Frames for {@code /ws} at the edges the server must hold: aimed at the bystanders in another room, over
 * and near the 64 KiB limit, and Unicode that is hard to get right.
 */
final class WsEdgeFrames {
    private final FrameMutator m;
    private final WsMessages messages;
    private final WsFrames frames;

    WsEdgeFrames(FrameMutator mutator, WsMessages messages, WsFrames frames) {
        this.m = mutator;
        this.messages = messages;
        this.frames = frames;
    }

    /** Frames aimed at the bystanders: signals to their ids from another room, joins to their room that must fail. */
    Frame<Expect> hostile(State s) {
        String target = m.pick(s.bystanderIds);
        for (int attempt = 0; ; attempt++) {
            Obj o;
            String label;
            switch (m.random().nextInt(9)) {
                case 0, 1 -> {
                    o = Obj.of("type", "signal", "to", target, "data", messages.signalData());
                    label = "signal to a bystander";
                }
                case 2 -> {
                    o = Obj.of("type", "signal", "from", m.pick(s.bystanderIds), "to", target, "data", m.chance(0.5) ? m.anyValue() : Json.NULL);
                    label = "spoofed malformed signal to a bystander";
                }
                case 3 -> {
                    String variant = m.pick(target + " ", " " + target, target.toUpperCase(), target.toLowerCase(),
                            target + "\u0000", "\u200b" + target, target.substring(1), target + target);
                    o = Obj.of("type", "signal", "to", variant, "data", messages.signalData());
                    label = "signal to a look-alike of a bystander";
                }
                case 4 -> {
                    o = Obj.of("type", "signal", "to", m.chance(0.5) ? Json.Arr.of(target) : Obj.of("id", target), "data", messages.signalData());
                    label = "signal to a bystander id wrapped";
                }
                case 5 -> {
                    o = messages.join(s, s.bystanderRoom);
                    o.set("resume", messages.forgedToken(m.pick(s.bystanderIds), s.bystanderRoom));
                    label = "join the bystanders' room with a forged token";
                }
                case 6 -> {
                    o = messages.join(s, m.chance(0.5) ? s.bystanderRoom : s.bystanderRoom.toUpperCase());
                    // Only values refused even by a lenient parser: a coerced "1" or 1.5 would really get in.
                    o.set("version", m.pick(new Raw("2", Json.RawKind.INT), new Raw("0", Json.RawKind.INT),
                            new Raw("-1", Json.RawKind.INT), new Raw("1e999999", Json.RawKind.FLOAT),
                            new Raw("123456789012345678901234567890", Json.RawKind.BIG_INT)));
                    label = "join the bystanders' room with a bad version";
                }
                case 7 -> {
                    o = messages.join(s, s.bystanderRoom);
                    o.set("name", m.pick("n".repeat(65), "😀".repeat(65), "\u202e".repeat(10) + "x".repeat(65), Json.Arr.of("x"), Obj.of()));
                    label = "join the bystanders' room with a bad name";
                }
                default -> {
                    String text = m.truncate(Json.write(Obj.of("type", "join", "version", 1, "room", s.bystanderRoom,
                            "name", "intruder")));
                    return Frame.text("truncated join to the bystanders' room", text, Expect.error("bad-json"));
                }
            }
            Frame<Expect> f = frames.frame("hostile: " + label, o, s);
            if (f.expect().successes().isEmpty()) {
                return f;
            }
            if (attempt > 20) {
                throw new IllegalStateException("generator keeps making acceptable frames for the bystanders: " + f);
            }
        }
    }

    Frame<Expect> oversized(State s) {
        boolean close = m.chance(0.25);
        int bytes = close ? 4 * MAX_FRAME + 1 + m.random().nextInt(40_000) : MAX_FRAME + 1 + m.random().nextInt(3 * MAX_FRAME - 100);
        Obj o = m.chance(0.5) ? Obj.of("type", "chat", "text", "") : Obj.of("type", "signal", "to", s.partnerId == null ? "x" : s.partnerId, "data", Obj.of("sdp", ""));
        String field = o.has("text") ? "text" : "data";
        int overhead = Json.write(o).length();
        String filler = m.sizedString(bytes - overhead + 8);
        if (field.equals("text")) {
            o.set("text", filler);
        } else {
            o.set("data", Obj.of("sdp", filler));
        }
        return frames.frame("oversized", o, s);
    }

    /** Just under, at, and just over 64 KiB, with multi-byte characters so bytes and chars differ. */
    Frame<Expect> nearLimit(State s) {
        Obj o = Obj.of("type", "signal", "to", s.partnerId == null ? "x" : s.partnerId, "data", Obj.of("sdp", ""));
        int overhead = Json.write(o).getBytes(StandardCharsets.UTF_8).length;
        int target = MAX_FRAME + m.pick(-3, -2, -1, 0, 0, 1, 2, 3);
        String unit = m.pick("x", "é", "€", "😀");
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        int room = target - overhead;
        StringBuilder filler = new StringBuilder(unit.repeat(Math.max(0, room / unitBytes)));
        filler.append("x".repeat(Math.max(0, room - (room / unitBytes) * unitBytes)));
        o.set("data", Obj.of("sdp", filler.toString()));
        return frames.frame("near the size limit", o, s);
    }

    Frame<Expect> unicodeMessage(State s) {
        Obj o = switch (m.random().nextInt(4)) {
            case 0 -> Obj.of("type", "chat", "text", m.unicodeEdge() + m.randomString(10));
            case 1 -> messages.join(s, messages.ownRoom(s)).set("name", m.unicodeEdge());
            case 2 -> Obj.of("type", "chat", "text", m.pick("a".repeat(2000), "a".repeat(2001), "😀".repeat(2000), "😀".repeat(2001),
                    "\u0000".repeat(2500), " \n\t ", "x\u0000".repeat(1500)));
            default -> Obj.of("type", "reaction", "emoji", m.pick("👍", "❤", "❤️", "👍🏽", "🎉\u0000", "\ufeff🎉", "😮", m.unicodeEdge()));
        };
        if (m.chance(0.2)) {
            return frames.frameOfText("unicode with a BOM first", "\ufeff" + Json.write(o), Expect.error("bad-json"));
        }
        return frames.frame("unicode", o, s);
    }
}
