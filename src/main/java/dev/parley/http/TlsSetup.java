package dev.parley.http;

import dev.parley.config.TlsConfig;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ForbiddenResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves HTTPS with Jetty's own TLS: from a PEM certificate and key, or from a self-signed certificate
 * made once with the JDK's keytool and kept in the data folder. Optionally a plain-HTTP port redirects.
 */
public final class TlsSetup {
    private static final Logger log = LoggerFactory.getLogger(TlsSetup.class);
    /** The keystore lives beside the key it protects, so its password adds nothing; a constant will do. */
    private static final char[] STORE_PASSWORD = "parley".toCharArray();
    private static final String SELF_SIGNED = "tls-self-signed.p12";

    private TlsSetup() {}

    /**
     * @param httpsPort the port HTTPS actually listens on, read when a redirect is made (with
     *                  {@code --port 0} it is known only once the server has started)
     */
    public static void configure(JavalinConfig javalin, TlsConfig tls, String host, int port, IntSupplier httpsPort,
            Path dataDir) {
        KeyStore keyStore = tls.certificate().isPresent()
                ? fromPem(tls.certificate().get(), tls.privateKey().orElseThrow())
                : selfSigned(dataDir, host);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(new String(STORE_PASSWORD));
        // The first connector is the one Javalin reports as the server's port.
        javalin.jetty.addConnector((server, http) -> {
            HttpConfiguration https = new HttpConfiguration(http);
            // Self-signed certificates name no real host; browsers decide about trust, not Jetty.
            https.addCustomizer(new SecureRequestCustomizer(false));
            ServerConnector connector = new ServerConnector(server,
                    new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
        tls.redirectPort().ifPresent(redirect -> {
            javalin.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(redirect);
                return connector;
            });
            javalin.routes.before(ctx -> {
                if (!ctx.req().isSecure()) {
                    String target = "https://" + ctx.req().getServerName() + ":" + httpsPort.getAsInt() + ctx.path()
                            + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                    ctx.redirect(target, io.javalin.http.HttpStatus.PERMANENT_REDIRECT);
                    ctx.skipRemainingHandlers();
                }
            });
            // WebSocket upgrades skip "before": refuse them here, or signaling (passwords, host keys, TURN
            // credentials) would go unencrypted on the redirect port.
            javalin.routes.wsBeforeUpgrade(ctx -> {
                if (!ctx.req().isSecure()) {
                    throw new ForbiddenResponse("use wss:// on port " + httpsPort.getAsInt());
                }
            });
        });
    }

    private static KeyStore fromPem(Path certificate, Path privateKey) {
        List<Certificate> chain = readChain(certificate);
        PrivateKey key = readKey(privateKey);
        requirePair(key, chain.get(0), certificate, privateKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("parley", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> readChain(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            List<Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + certificate);
            }
            return chain;
        } catch (IOException e) {
            throw unreadable("the TLS certificate", certificate, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    /** A key that is not the certificate's would start fine and then fail every handshake: check now. */
    private static void requirePair(PrivateKey key, Certificate certificate, Path certificateFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        byte[] probe = "parley".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not a pair either
        }
        throw new IllegalArgumentException(keyFile + " is not the private key of the certificate in " + certificateFile);
    }

    private static UncheckedIOException unreadable(String what, Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        return new UncheckedIOException("cannot read " + what + " " + file + " (" + why + ")", e);
    }

    private static PrivateKey readKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw unreadable("the TLS key", file, e);
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException(file + " must be a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert one with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a valid PEM key (" + e.getMessage() + ")", e);
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + " holds no RSA, EC or Ed25519 private key");
    }

    /** Makes the certificate at first start with keytool (part of every JDK), then reuses it. */
    private static KeyStore selfSigned(Path dataDir, String host) {
        Path file = dataDir.resolve(SELF_SIGNED);
        try {
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(dataDir);
                generateOwnerOnly(file, host);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, STORE_PASSWORD);
            }
            log.warn("HTTPS uses a self-signed certificate ({}). Browsers will warn once: open the page and accept "
                    + "the certificate, or pass --tls-cert and --tls-key with a real one.", file);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + file, e);
        }
    }

    /**
     * The store holds the private key under a fixed password, so only Parley's user may read it: it is made
     * in a folder only that user can enter, then moved into place.
     */
    private static void generateOwnerOnly(Path file, String host) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(folder).supportsFileAttributeView("posix");
        Path staging = posix ? Files.createTempDirectory(folder, "tls-",
                PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory(folder, "tls-");
        try {
            Path made = staging.resolve(file.getFileName());
            generate(made, host);
            if (posix) {
                Files.setPosixFilePermissions(made, PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(made, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staging.resolve(file.getFileName()));
            Files.deleteIfExists(staging);
        }
    }

    private static void generate(Path file, String host) throws IOException {
        Set<String> names = new LinkedHashSet<>(List.of("dns:localhost", "ip:127.0.0.1"));
        try {
            names.add("dns:" + InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // no host name: localhost will do
        }
        if (!host.equals("0.0.0.0") && !host.isBlank()) {
            names.add((host.matches("[0-9.]+|.*:.*") ? "ip:" : "dns:") + host);
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "parley",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "825",
                "-dname", "CN=Parley self-signed", "-ext", "SAN=" + String.join(",", names),
                "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD))
                .redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the certificate", e);
        }
    }
}
