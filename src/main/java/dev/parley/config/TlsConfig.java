package dev.parley.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * HTTPS. Browsers allow camera and microphone only on secure pages (or localhost), so any other
 * deployment needs it, here or in a reverse proxy.
 *
 * @param enabled      serve HTTPS on the main port ({@code --tls}, {@code PARLEY_TLS=true})
 * @param certificate  PEM certificate chain ({@code --tls-cert}, {@code PARLEY_TLS_CERT}); without it a
 *                     self-signed certificate is made at first start and kept in the data folder
 * @param privateKey   PEM PKCS#8 private key ({@code --tls-key}, {@code PARLEY_TLS_KEY})
 * @param redirectPort if set, a plain-HTTP port that redirects to HTTPS ({@code --http-redirect-port})
 */
public record TlsConfig(boolean enabled, Optional<Path> certificate, Optional<Path> privateKey,
        Optional<Integer> redirectPort) {

    public static TlsConfig off() {
        return new TlsConfig(false, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
