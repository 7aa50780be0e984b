package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", sortOptions = false, usageHelpWidth = 100,
        description = {"Submits a dataset as a training job and follows it to its end with a progress bar.",
            "FILE: .jsonl (one experience per line) or .json (an array); an experience is",
            "{\"input\": text, \"output\": text, \"reward\": number}. On the hub's machine the file goes through the",
            "drop-box (copied, then renamed: the original stays); elsewhere it is sent in the request."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the job completed",
            "1:the job failed or was cancelled, or it could not be submitted",
            "2:usage error"})
final class TrainJobCommand extends HubCommand {

    @Parameters(paramLabel = "FILE", description = "the dataset")
    Path file;

    @Option(names = "--model-type", paramLabel = "TYPE", description = "model type (default: the hub's, retrieval)")
    String modelType;

    @Option(names = "--epochs", paramLabel = "N", description = "training passes, 1 to 10000 (default: the hub's, 3)")
    Integer epochs;

    @Option(names = "--inline", description = "send the experiences in the request even when the drop-box is here")
    boolean inline;

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        ObjectNode options = JsonOutput.JSON.createObjectNode();
        if (modelType != null) {
            options.put("model_type", modelType);
        }
        if (epochs != null) {
            options.put("epochs", epochs);
        }
        DatasetSubmission submission = new DatasetSubmission(hub, file, options);
        Optional<Path> dropbox = inline ? Optional.empty() : submission.localDropbox();
        JsonNode accepted = dropbox.map(submission::throughDropbox).orElseGet(submission::inline);
        String jobId = accepted.path("job_id").asText();
        err().println("job " + jobId + " queued: " + text(accepted.path("experiences")) + " experiences from " + file
                + dropbox.map(dir -> " (through the drop-box " + dir + ")").orElse(" (sent in the request)"));
        JsonNode job = new JobFollower(hub, new ProgressLine(err(), System.console() != null)).follow(jobId);
        String status = job.path("status").asText();
        if (output.json) {
            JsonOutput.print(out(), job);
        } else if ("completed".equals(status)) {
            out().println("job " + jobId + " completed: model " + text(job.path("model_id")) + " v"
                    + text(job.path("model_version")) + ", metrics " + job.path("metrics"));
            out().flush();
        }
        if ("completed".equals(status)) {
            return 0;
        }
        err().println("job " + jobId + " " + status + (job.hasNonNull("error") ? ": " + job.get("error").asText() : ""));
        err().flush();
        return 1;
    }
}
