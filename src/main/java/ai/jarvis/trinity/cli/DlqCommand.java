package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dlq", sortOptions = false, usageHelpWidth = 100,
        description = {"Lists a queue's dead letters, moves them back onto the queue (replay) or removes them (purge).",
            "QUEUE is the queue's short name: orders for trinity.queue.orders."})
final class DlqCommand extends HubCommand {

    enum Action { LIST, REPLAY, PURGE }

    @Parameters(index = "0", paramLabel = "QUEUE", description = "the queue, e.g. orders")
    String queue;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ACTION", defaultValue = "LIST",
            description = "list (default), replay or purge")
    Action action;

    @Option(names = "--message-id", paramLabel = "ID", description = "replay or purge only this dead letter (ID:...)")
    String messageId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "list at most N dead letters, oldest first (1 to 1000; default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        String path = "/api/queues/" + queue + "/dlq";
        String only = messageId == null ? "" : "?message_id=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8);
        JsonNode answer = switch (action) {
            case LIST -> hub.get(path + "?limit=" + limit);
            case REPLAY -> hub.post(path + "/replay" + only);
            case PURGE -> hub.delete(path + only);
        };
        if (output.json) {
            JsonOutput.print(out(), answer);
            return 0;
        }
        switch (action) {
            case LIST -> print(answer);
            case REPLAY -> out().println("replayed " + text(answer.path("replayed")) + " dead letter(s) onto " + queue);
            case PURGE -> out().println("removed " + text(answer.path("removed")) + " dead letter(s) of " + queue);
        }
        out().flush();
        return 0;
    }

    private void print(JsonNode deadLetters) {
        if (deadLetters.isEmpty()) {
            out().println("no dead letters in " + queue);
            return;
        }
        Table table = new Table("MESSAGE ID", "TIMESTAMP", "DELIVERIES", "REASON", "BODY");
        for (JsonNode letter : deadLetters) {
            table.row(text(letter.path("message_id")), text(letter.path("timestamp")), text(letter.path("delivery_count")),
                    Formats.shortened(text(letter.path("failure_reason")), 60), Formats.shortened(text(letter.path("body")), 60));
        }
        table.print(out());
    }
}
