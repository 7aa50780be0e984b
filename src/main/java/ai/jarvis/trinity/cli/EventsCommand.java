package ai.jarvis.trinity.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "events", sortOptions = false, usageHelpWidth = 100,
        description = {"Prints the event bus's events as they happen (Ctrl+C ends it).",
            "A topic pattern is dot-separated: * is one word, # any number (training.#, registry.*, model.deployed)."})
final class EventsCommand extends HubCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "topic patterns (default: every event)")
    List<String> topics;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after N events")
    Integer count;

    @Mixin
    JsonOutput output;

    private int seen;

    @Override
    int run(HubClient hub) {
        String query = topics == null || topics.isEmpty() ? ""
                : "?topics=" + URLEncoder.encode(String.join(",", topics), StandardCharsets.UTF_8);
        PrintWriter out = out();
        hub.stream("/api/events" + query, null, event -> {
            if (output.json) {
                ObjectNode line = JsonOutput.JSON.createObjectNode().put("id", event.id()).put("topic", event.event());
                line.set("data", JsonOutput.parse(event.data()));
                JsonOutput.printLine(out, line);
            } else {
                out.println(LocalTime.now().format(TIME) + "  " + event.event() + "  " + event.data());
                out.flush();
            }
            seen++;
            return count == null || seen < count;
        });
        if (count != null && seen >= count) {
            return 0;
        }
        throw new CliFailure("the hub at " + hub.url() + " ended the event stream (did it stop?)");
    }
}
