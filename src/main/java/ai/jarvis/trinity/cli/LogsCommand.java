package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", sortOptions = false, usageHelpWidth = 100,
        description = {"Prints the last lines of a supervised service's output; -f follows it as it is written.",
            "Follow ends with Ctrl+C, or when the hub stops (exit code 1)."})
final class LogsCommand extends HubCommand {

    @Parameters(paramLabel = "SERVICE", description = "a service of services.yaml, e.g. jarvis-prime")
    String service;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "200",
            description = "how many of the last lines (1 to 10000; default: ${DEFAULT-VALUE})")
    int lines;

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        String path = "/api/services/" + service + "/logs?tail=" + lines;
        PrintWriter out = out();
        if (!follow) {
            JsonNode recent = hub.get(path);
            if (output.json) {
                JsonOutput.print(out, recent);
            } else {
                recent.forEach(line -> out.println(line.asText()));
                out.flush();
            }
            return 0;
        }
        hub.stream(path + "&follow=true", null, event -> {
            if (output.json) {
                JsonOutput.printLine(out, JsonOutput.JSON.getNodeFactory().textNode(event.data()));
            } else {
                out.println(event.data());
                out.flush();
            }
            return true;
        });
        throw new CliFailure("the hub at " + hub.url() + " ended the log stream (did it stop?)");
    }
}
