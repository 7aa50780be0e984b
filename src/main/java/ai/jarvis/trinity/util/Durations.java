package ai.jarvis.trinity.util;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in query parameters: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1.5s}. */
public final class Durations {

    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /** Parses a duration; a bare number is seconds. Throws IllegalArgumentException with a readable message. */
    public static Duration parse(String text) {
        Matcher matcher = TEXT.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 30s, 2m)");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        double millis;
        switch (unit) {
            case "ms": millis = amount; break;
            case "m": millis = amount * 60_000; break;
            case "h": millis = amount * 3_600_000; break;
            default: millis = amount * 1000;
        }
        return Duration.ofMillis(Math.round(millis));
    }
}
