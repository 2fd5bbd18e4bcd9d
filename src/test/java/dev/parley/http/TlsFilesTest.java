package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.Parley;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate and key given with --tls-cert and --tls-key: a pair that does not match, or a missing file, stops the start with a clear message. */
class TlsFilesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeTwoKeyPairs() throws Exception {
        Path store = dir.resolve("pairs.p12");
        for (String alias : List.of("a", "b")) {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", "secret", "-keypass", "secret").redirectErrorStream(true).start();
            assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "secret".toCharArray());
        }
        for (String alias : List.of("a", "b")) {
            Files.writeString(dir.resolve(alias + ".crt"), pem("CERTIFICATE", keys.getCertificate(alias).getEncoded()));
            Files.writeString(dir.resolve(alias + ".key"), pem("PRIVATE KEY", keys.getKey(alias, "secret".toCharArray()).getEncoded()));
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Parley start(String certificate, String key) {
        return Parley.start(new String[] {"--port", "0", "--host", "127.0.0.1", "--data-dir", dir.resolve("data").toString(),
                "--tls-cert", dir.resolve(certificate).toString(), "--tls-key", dir.resolve(key).toString()});
    }

    @Test
    void aMatchingPairServes() {
        try (Parley parley = start("a.crt", "a.key")) {
            assertThat(parley.port()).isPositive();
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStart() {
        assertThatThrownBy(() -> start("a.crt", "b.key")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b.key is not the private key of the certificate in")
                .hasMessageContaining("a.crt");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> start("a.crt", "missing.key")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot read the TLS key").hasMessageContaining("missing.key (no such file)");
        assertThatThrownBy(() -> start("missing.crt", "a.key")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot read the TLS certificate").hasMessageContaining("missing.crt (no such file)");
    }
}
