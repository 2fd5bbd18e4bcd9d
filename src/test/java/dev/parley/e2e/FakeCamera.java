package dev.parley.e2e;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake camera of a chosen size for Chromium ({@code --use-file-for-fake-video-capture}): a Y4M clip
 * of a bar sweeping over a gradient, which Chromium loops. Its own default fake camera is 640x480.
 */
final class FakeCamera {
    private static final int FRAMES = 30;

    private FakeCamera() {}

    /** The Chromium switch that makes the camera a {@code width}x{@code height} clip at 30 fps. */
    static String flag(int width, int height) {
        return "--use-file-for-fake-video-capture=" + clip(width, height).toAbsolutePath();
    }

    static synchronized Path clip(int width, int height) {
        Path file = Path.of("target", "fake-camera", width + "x" + height + ".y4m");
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), "clip", ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                out.write(("YUV4MPEG2 W" + width + " H" + height + " F30:1 Ip A1:1 C420jpeg\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] luma = new byte[width * height];
                byte[] chroma = new byte[(width / 2) * (height / 2)];
                for (int f = 0; f < FRAMES; f++) {
                    int bar = f * width / FRAMES;
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            boolean onBar = Math.abs(x - bar) < width / 20;
                            luma[y * width + x] = (byte) (onBar ? 235 : 16 + (x + y) * 200 / (width + height));
                        }
                    }
                    out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(luma);
                    java.util.Arrays.fill(chroma, (byte) (96 + f * 2));
                    out.write(chroma);
                    java.util.Arrays.fill(chroma, (byte) (160 - f * 2));
                    out.write(chroma);
                }
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
