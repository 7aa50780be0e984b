package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.percent;
import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "jobs", sortOptions = false, usageHelpWidth = 100, description = "Lists the training jobs, newest first.")
final class JobsCommand extends HubCommand {

    @Option(names = "--status", paramLabel = "STATUS",
            description = "only jobs in this state: queued, starting, running, completed, failed, cancelled")
    String status;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "at most N jobs (default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        String query = "?limit=" + limit + (status == null ? "" : "&status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
        JsonNode jobs = hub.get("/api/training/jobs" + query);
        if (output.json) {
            JsonOutput.print(out(), jobs);
        } else if (jobs.isEmpty()) {
            out().println("no training jobs");
            out().flush();
        } else {
            table(jobs).print(out());
        }
        return 0;
    }

    static Table table(JsonNode jobs) {
        Table table = new Table("JOB", "STATUS", "PROGRESS", "EPOCH", "LOSS", "MODEL TYPE", "EXPERIENCES", "MODEL",
                "CREATED", "ERROR");
        for (JsonNode job : jobs) {
            String model = job.hasNonNull("model_id") ? job.get("model_id").asText() + " v" + text(job.path("model_version")) : null;
            table.row(text(job.path("job_id")), text(job.path("status")), percent(job.path("progress")),
                    job.hasNonNull("epoch") ? job.get("epoch").asText() + "/" + text(job.path("epochs")) : null,
                    job.path("loss").isNumber() ? String.format(java.util.Locale.ROOT, "%.4f", job.get("loss").asDouble()) : null,
                    text(job.path("model_type")), text(job.path("experiences")), model, text(job.path("created_at")),
                    Formats.shortened(text(job.path("error")), 60));
        }
        return table;
    }
}
