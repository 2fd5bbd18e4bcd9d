package dev.parley.janus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated libconfig files, without running Janus (JanusProcessTest checks that Janus accepts them). */
class JanusConfigTest {
    @TempDir
    Path dir;

    private JanusConfig config(String iceInterface, int rtpMin, int rtpMax) {
        return new JanusConfig(dir, "a".repeat(32), "b".repeat(32), 18188, iceInterface, rtpMin, rtpMax,
                JanusConfig.KNOWN_PLUGINS, JanusConfig.KNOWN_TRANSPORTS);
    }

    @Test
    void theCoreHasTheSecretTimeoutsPortsAndInterfaceAndDisablesAllButVideoRoomAndWebSockets() {
        String core = config("eth0", 20000, 20999).core();

        assertThat(core).contains("configs_folder = \"" + dir.toAbsolutePath() + "\"")
                .contains("api_secret = \"" + "a".repeat(32) + "\"")
                .contains("session_timeout = 60", "reclaim_session_timeout = 30")
                .contains("rtp_port_range = \"20000-20999\"")
                .contains("ice_enforce_list = \"eth0\"")
                .doesNotContain("stun_server")
                .contains("broadcast = false", "disable = \"libjanus_jsonlog.so\"");
        String plugins = line(core, "plugins");
        assertThat(plugins).contains("libjanus_echotest.so", "libjanus_streaming.so", "libjanus_audiobridge.so")
                .doesNotContain("libjanus_videoroom.so");
        String transports = line(core, "transports");
        assertThat(transports).contains("libjanus_http.so", "libjanus_pfunix.so", "libjanus_rabbitmq.so")
                .doesNotContain("libjanus_websockets.so");
    }

    /** The disable line of a section. */
    private static String line(String text, String section) {
        String rest = text.substring(text.indexOf(section + ": {"));
        return rest.substring(rest.indexOf("disable"), rest.indexOf('\n', rest.indexOf("disable")));
    }

    @Test
    void theTransportListensOnLoopbackOnlyAndTheVideoRoomUsesStringIds() {
        JanusConfig config = config("eth0", 20000, 20999);
        assertThat(config.websockets()).contains("ws = true", "ws_ip = \"127.0.0.1\"", "ws_port = 18188",
                "wss = false", "admin_ws = false", "admin_wss = false");
        assertThat(config.videoroom()).contains("admin_key = \"" + "b".repeat(32) + "\"", "string_ids = true")
                .doesNotContain("room-");
    }

    @Test
    void stringsAreQuotedForLibconfig() {
        assertThat(JanusConfig.quote("plain")).isEqualTo("\"plain\"");
        assertThat(JanusConfig.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(config("eth0,192.168.", 1, 2).core()).contains("ice_enforce_list = \"eth0,192.168.\"");
    }

    @Test
    void nonsenseIsRejected() {
        assertThatThrownBy(() -> config("", 20000, 20999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(null, 20000, 20999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config("eth0", 20999, 20000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config("eth0", 0, 20000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config("eth0", 20000, 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretsAreRandomHexAndNeverPrinted() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String secret = JanusConfig.randomSecret();
            assertThat(secret).matches("[0-9a-f]{32}");
            seen.add(secret);
        }
        assertThat(seen).hasSize(100);
        assertThat(config("eth0", 1, 2).toString()).doesNotContain("a".repeat(32)).doesNotContain("b".repeat(32));
    }

    @Test
    void theFilesAreWrittenForTheOwnerOnly() throws IOException {
        JanusConfig config = config("eth0", 20000, 20999);
        config.writeTo(dir);
        for (String name : new String[] {JanusConfig.CORE_FILE, JanusConfig.WEBSOCKETS_FILE, JanusConfig.VIDEOROOM_FILE}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(name))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(dir.resolve(JanusConfig.CORE_FILE)).content().isEqualTo(config.core());
        config.writeTo(dir); // again, over the old files
        assertThat(dir.resolve(JanusConfig.VIDEOROOM_FILE)).content().isEqualTo(config.videoroom());
    }

    @Test
    void modulesInstalledBesideTheBinaryAreFoundWhereverTheDistributionPutsThem() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("prefix/bin"));
        Path binary = Files.writeString(bin.resolve("janus"), "");
        Path multiarch = Files.createDirectories(dir.resolve("prefix/lib/x86_64-linux-gnu/janus/plugins"));
        Files.writeString(multiarch.resolve("libjanus_newthing.so"), "");
        Files.writeString(multiarch.resolve("libjanus_newthing.so.1"), "");
        Path plain = Files.createDirectories(dir.resolve("prefix/lib/janus/transports"));
        Files.writeString(plain.resolve("libjanus_carrierpigeon.so"), "");

        assertThat(JanusConfig.installed(binary, "plugins")).containsExactly("libjanus_newthing.so");
        assertThat(JanusConfig.installed(binary, "transports")).containsExactly("libjanus_carrierpigeon.so");
        assertThat(JanusConfig.installed(dir.resolve("missing"), "plugins")).isEmpty();

        JanusConfig config = new JanusConfig(dir, "s", "k", 1, "eth0", 1, 2,
                Set.of("libjanus_newthing.so", JanusConfig.VIDEOROOM), Set.of(JanusConfig.WEBSOCKETS));
        assertThat(config.disabledPlugins()).containsExactly("libjanus_newthing.so");
        assertThat(config.disabledTransports()).isEmpty();
        assertThat(config.core()).contains("transports: {\n\tdisable = \"\"\n}");
    }
}
