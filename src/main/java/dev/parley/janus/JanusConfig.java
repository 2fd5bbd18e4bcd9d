package dev.parley.janus;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three libconfig files a private Janus runs with: the core, the WebSocket transport and the
 * VideoRoom plugin. Everything Parley does not use is disabled, and the API listens on loopback only.
 */
record JanusConfig(Path workDir, String apiSecret, String adminKey, int wsPort, String iceInterface,
                   int rtpPortMin, int rtpPortMax, Set<String> disabledPlugins, Set<String> disabledTransports) {

    static final String CORE_FILE = "janus.jcfg";
    static final String WEBSOCKETS_FILE = "janus.transport.websockets.jcfg";
    static final String VIDEOROOM_FILE = "janus.plugin.videoroom.jcfg";
    static final String VIDEOROOM = "libjanus_videoroom.so";
    static final String WEBSOCKETS = "libjanus_websockets.so";

    /** What Janus 1.1 ships; a build may carry more, which {@link #installed} finds beside the binary. */
    static final Set<String> KNOWN_PLUGINS = Set.of("libjanus_audiobridge.so", "libjanus_duktape.so",
            "libjanus_echotest.so", "libjanus_lua.so", "libjanus_nosip.so", "libjanus_recordplay.so",
            "libjanus_sip.so", "libjanus_streaming.so", "libjanus_textroom.so", "libjanus_videocall.so",
            "libjanus_voicemail.so", VIDEOROOM);
    static final Set<String> KNOWN_TRANSPORTS = Set.of("libjanus_http.so", "libjanus_mqtt.so",
            "libjanus_nanomsg.so", "libjanus_pfunix.so", "libjanus_rabbitmq.so", WEBSOCKETS);

    private static final SecureRandom RANDOM = new SecureRandom();

    JanusConfig {
        if (wsPort < 1 || wsPort > 65535) {
            throw new IllegalArgumentException("WebSocket port out of range: " + wsPort);
        }
        if (rtpPortMin < 1 || rtpPortMax > 65535 || rtpPortMin > rtpPortMax) {
            throw new IllegalArgumentException("bad RTP port range " + rtpPortMin + "-" + rtpPortMax);
        }
        if (iceInterface == null || iceInterface.isBlank()) {
            throw new IllegalArgumentException("an ICE interface is required: Janus 1.1 never uses loopback");
        }
        disabledPlugins = without(disabledPlugins, VIDEOROOM);
        disabledTransports = without(disabledTransports, WEBSOCKETS);
    }

    /** Without the secrets, so the record is safe to log. */
    @Override
    public String toString() {
        return "JanusConfig[workDir=" + workDir + ", wsPort=" + wsPort + ", iceInterface=" + iceInterface
                + ", rtpPorts=" + rtpPortMin + "-" + rtpPortMax + "]";
    }

    /** 128 random bits as 32 hex digits. */
    static String randomSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** janus.jcfg: the core. */
    String core() {
        return """
                general: {
                \tconfigs_folder = %s
                \tlog_to_stdout = true
                \tdebug_level = 4
                \tdebug_timestamps = true
                \tdebug_colors = false
                \tserver_name = "parley"
                \tapi_secret = %s
                \tsession_timeout = 60
                \treclaim_session_timeout = 30
                }
                media: {
                \trtp_port_range = %s
                }
                nat: {
                \tnice_debug = false
                \tice_enforce_list = %s
                }
                plugins: {
                \tdisable = %s
                }
                transports: {
                \tdisable = %s
                }
                loggers: {
                \tdisable = "libjanus_jsonlog.so"
                }
                events: {
                \tbroadcast = false
                }
                """.formatted(quote(workDir.toAbsolutePath().toString()), quote(apiSecret),
                quote(rtpPortMin + "-" + rtpPortMax), quote(iceInterface),
                quote(String.join(",", disabledPlugins)), quote(String.join(",", disabledTransports)));
    }

    /** The WebSocket transport: plain ws on loopback, no admin API. */
    String websockets() {
        return """
                general: {
                \tjson = "compact"
                \tws = true
                \tws_ip = "127.0.0.1"
                \tws_port = %d
                \twss = false
                }
                admin: {
                \tadmin_ws = false
                \tadmin_wss = false
                }
                """.formatted(wsPort);
    }

    /** The VideoRoom plugin: rooms are made through the API only, with Parley's string ids. */
    String videoroom() {
        return """
                general: {
                \tadmin_key = %s
                \tstring_ids = true
                }
                """.formatted(quote(adminKey));
    }

    /** Writes the three files, readable by the owner only since they hold the secrets. */
    void writeTo(Path dir) throws IOException {
        write(dir.resolve(CORE_FILE), core());
        write(dir.resolve(WEBSOCKETS_FILE), websockets());
        write(dir.resolve(VIDEOROOM_FILE), videoroom());
    }

    /**
     * Module file names ({@code *.so}) found in the usual folders near a Janus binary, for instance
     * {@code /usr/lib/x86_64-linux-gnu/janus/plugins} for {@code /usr/bin/janus}; kind is "plugins" or
     * "transports". Janus loads every module it finds unless told not to, so they all go in the disable list.
     */
    static Set<String> installed(Path binary, String kind) {
        Set<String> found = new TreeSet<>();
        Path real;
        try {
            real = binary.toRealPath();
        } catch (IOException e) {
            return found;
        }
        Path prefix = real.getParent() == null ? null : real.getParent().getParent();
        if (prefix == null) {
            return found;
        }
        for (Path lib : new Path[] {prefix.resolve("lib"), prefix.resolve("lib64")}) {
            collect(lib.resolve("janus").resolve(kind), found);
            if (Files.isDirectory(lib)) {
                try (DirectoryStream<Path> arches = Files.newDirectoryStream(lib, Files::isDirectory)) {
                    arches.forEach(arch -> collect(arch.resolve("janus").resolve(kind), found));
                } catch (IOException e) {
                    // an unreadable folder holds nothing we could disable anyway
                }
            }
        }
        return found;
    }

    private static void collect(Path folder, Set<String> into) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(folder, "*.so")) {
            modules.forEach(m -> into.add(m.getFileName().toString()));
        } catch (IOException e) {
            // as above
        }
    }

    private static Set<String> without(Set<String> names, String keep) {
        Set<String> sorted = new TreeSet<>(names);
        sorted.remove(keep);
        return Collections.unmodifiableSet(sorted);
    }

    /** A libconfig string literal. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void write(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }
}
