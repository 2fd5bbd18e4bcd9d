package dev.parley.config;

import java.util.Locale;

/** On/off values as operators write them in flags and environment variables. */
public final class OnOff {
    private OnOff() {}

    /**
     * true, 1, yes or on; false, 0, no or off. Anything else is refused rather than read as off, so that a
     * typo does not quietly turn off, say, TLS.
     *
     * @param what the flag or variable, for the message
     */
    public static boolean parse(String text, String what) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(what + " must be true or false (or 1/0, yes/no, on/off), got '"
                    + text + "'");
        };
    }
}
