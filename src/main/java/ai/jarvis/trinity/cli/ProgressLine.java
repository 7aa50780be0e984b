package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A job's progress on one line of the terminal, drawn again in place as the job moves; when the output is not a
 * terminal, a new line only when the status or the tenth of progress changes.
 */
final class ProgressLine {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private String lastShown = "";
    private int lastLength;

    ProgressLine(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    void show(String jobId, String status, double progress, JsonNode event) {
        int percent = (int) Math.round(Math.max(0, Math.min(1, progress)) * 100);
        int filled = percent * WIDTH / 100;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %-9s [%s%s] %3d%%", jobId, status,
                "#".repeat(filled), "-".repeat(WIDTH - filled), percent));
        if (event.hasNonNull("epoch")) {
            line.append("  epoch ").append(event.get("epoch").asText());
        }
        if (event.path("loss").isNumber()) {
            line.append(String.format(Locale.ROOT, "  loss %.4f", event.get("loss").asDouble()));
        }
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            String shown = status + " " + percent / 10;
            if (shown.equals(lastShown)) {
                return;
            }
            lastShown = shown;
            err.println(line);
        }
        err.flush();
    }

    void finish() {
        if (terminal && lastLength > 0) {
            err.println();
            err.flush();
        }
    }
}
