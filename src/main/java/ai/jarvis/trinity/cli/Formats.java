package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** How values of the hub's JSON show in a table. */
final class Formats {

    private Formats() {
    }

    /** The value as text; null when absent or JSON null. */
    static String text(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull() ? null
                : value.isValueNode() ? value.asText() : value.toString();
    }

    /** Seconds as "45s", "12m 5s", "3h 4m", "2d 3h"; null when absent. */
    static String duration(JsonNode seconds) {
        if (seconds == null || !seconds.isNumber()) {
            return null;
        }
        long total = Math.round(seconds.asDouble());
        long days = total / 86_400;
        long hours = total % 86_400 / 3_600;
        long minutes = total % 3_600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m " + total % 60 + "s" : total + "s";
    }

    /** A fraction 0..1 as "42%"; null when absent. */
    static String percent(JsonNode fraction) {
        return fraction == null || !fraction.isNumber() ? null : Math.round(fraction.asDouble() * 100) + "%";
    }

    /** The text cut to {@code max} characters, on one line. */
    static String shortened(String text, int max) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("\\s*\\R\\s*", " ");
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }
}
