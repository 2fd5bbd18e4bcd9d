package dev.parley.room;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Room ids are random UUIDs: unguessable, and safe to put in a URL. */
public final class RoomId {
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RoomId() {}

    /** A fresh id; {@link UUID#randomUUID()} draws from a cryptographically strong generator. */
    public static String random() {
        return UUID.randomUUID().toString();
    }

    public static boolean isValid(String candidate) {
        return candidate != null && UUID_FORM.matcher(candidate).matches();
    }

    /** Lower-cases, so that one room is not split by how its link was typed. */
    public static String normalize(String valid) {
        return valid.toLowerCase(Locale.ROOT);
    }
}
