package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Follows a job over {@code GET /api/training/stream/{id}} until it ends. A stream that drops before the end (the
 * hub restarted) is picked up after its last event, a bounded number of times.
 */
final class JobFollower {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
    private static final int MAX_RECONNECTS = 5;

    private final HubClient hub;
    private final ProgressLine progress;
    private String lastEventId;
    private String status = "queued";
    private double fraction;

    JobFollower(HubClient hub, ProgressLine progress) {
        this.hub = hub;
        this.progress = progress;
    }

    /** Returns the job as it ended. */
    JsonNode follow(String jobId) {
        for (int reconnects = 0; !TERMINAL.contains(status); reconnects++) {
            if (reconnects > MAX_RECONNECTS) {
                throw new CliFailure("the hub ended job " + jobId + "'s stream " + reconnects
                        + " times before the job ended; see: trinity-camel jobs");
            }
            hub.stream("/api/training/stream/" + jobId, lastEventId, event -> {
                lastEventId = event.id();
                JsonNode data = JsonOutput.parse(event.data());
                status = data.path("status").asText(status);
                if (data.path("progress").isNumber()) {
                    fraction = data.get("progress").asDouble();
                }
                progress.show(jobId, status, "completed".equals(status) ? 1.0 : fraction, data);
                return !TERMINAL.contains(status);
            });
        }
        progress.finish();
        return hub.get("/api/training/jobs/" + jobId);
    }
}
