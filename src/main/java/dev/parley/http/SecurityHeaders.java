package dev.parley.http;

import io.javalin.config.JavalinConfig;

/** Headers that keep pages from being framed, sniffed or made to run script from elsewhere. */
public final class SecurityHeaders {
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob: mediastream:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    private SecurityHeaders() {}

    public static void register(JavalinConfig config) {
        config.routes.before(ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self)");
        });
    }
}
