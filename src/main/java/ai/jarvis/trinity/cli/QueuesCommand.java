package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "queues", usageHelpWidth = 100,
        description = "Lists the reliable queues (trinity.queue.*): depth, in flight, consumers, dead letters.")
final class QueuesCommand extends HubCommand {

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        JsonNode queues = hub.get("/api/queues");
        if (output.json) {
            JsonOutput.print(out(), queues);
            return 0;
        }
        Table table = new Table("QUEUE", "DEPTH", "IN FLIGHT", "CONSUMERS", "DLQ DEPTH", "ADDED");
        for (JsonNode queue : queues) {
            table.row(text(queue.path("name")), text(queue.path("depth")), text(queue.path("in_flight")),
                    text(queue.path("consumers")), text(queue.path("dlq_depth")), text(queue.path("messages_added")));
        }
        if (table.isEmpty()) {
            out().println("no queues");
            out().flush();
        } else {
            table.print(out());
        }
        return 0;
    }
}
