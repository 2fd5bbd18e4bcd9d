package dev.parley.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fake microphone per browser ({@code --use-file-for-fake-audio-capture}): beeps at a pitch and rate of
 * its own, looped by Chromium. Chromium's built-in fake microphone beeps the same in every browser, and
 * when two pages play each other identical beeps, each page's echo canceller takes its own beep for an
 * echo and removes it, so the energy received stalls for many seconds (measured: the sender's
 * media-source energy stalls with echo cancellation on, never with it off). Distinct voices, as
 * real people have, keep the echo canceller honest.
 */
final class FakeMicrophone {
    private static final int RATE = 48_000;
    private static final int PERIODS = 8;

    private FakeMicrophone() {}

    /** The Chromium switch for voice number {@code voice} (0, 1, 2… each different). */
    static String flag(int voice) {
        return "--use-file-for-fake-audio-capture=" + clip(voice).toAbsolutePath();
    }

    static synchronized Path clip(int voice) {
        int v = Math.floorMod(voice, 12);
        Path file = Path.of("target", "fake-microphone", "voice-" + v + ".wav");
        if (Files.exists(file)) {
            return file;
        }
        double pitch = 330 * Math.pow(2, v / 5.0);          // a different note per voice
        int periodMs = 430 + 37 * v;                         // and a different rhythm, so beeps drift apart
        int samples = RATE * periodMs / 1000 * PERIODS;
        int beep = RATE * periodMs / 1000 * 2 / 5;           // sounding 40% of each period
        ByteBuffer data = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        data.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        data.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2)
            .putShort((short) 2).putShort((short) 16);
        data.put("data".getBytes()).putInt(samples * 2);
        int period = RATE * periodMs / 1000;
        for (int i = 0; i < samples; i++) {
            int inPeriod = i % period;
            double envelope = inPeriod < beep ? Math.min(1, Math.min(inPeriod, beep - inPeriod) / 240.0) : 0;
            data.putShort((short) (0.8 * 32767 * envelope * Math.sin(2 * Math.PI * pitch * i / RATE)));
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), "voice", ".part");
            Files.write(partial, data.array());
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
