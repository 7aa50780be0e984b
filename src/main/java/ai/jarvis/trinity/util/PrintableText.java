package ai.jarvis.trinity.util;

/** A line of a program's output made safe to log and to send: control characters show as escapes. */
public final class PrintableText {

    private PrintableText() {
    }

    /** Carriage returns go; other control characters show as {@code \xNN}; tabs stay. */
    public static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
