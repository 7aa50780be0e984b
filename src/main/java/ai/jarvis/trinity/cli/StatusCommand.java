package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.duration;
import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", sortOptions = false, usageHelpWidth = 100,
        description = "Shows the hub's health, its services (state, pid, uptime, restarts) and the newest training jobs.")
final class StatusCommand extends HubCommand {

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "10",
            description = "how many of the newest jobs to show (default: ${DEFAULT-VALUE})")
    int jobs;

    @Mixin
    JsonOutput output;

    @Override
    int run(HubClient hub) {
        JsonNode health = hub.health();
        JsonNode services = hub.get("/api/services?all=true");
        JsonNode jobList = hub.get("/api/training/jobs?limit=" + jobs);
        PrintWriter out = out();
        if (output.json) {
            ObjectNode all = JsonOutput.JSON.createObjectNode();
            all.put("url", hub.url());
            all.set("hub", health);
            all.set("services", services);
            all.set("jobs", jobList);
            JsonOutput.print(out, all);
            return 0;
        }
        out.printf("hub %s at %s: %s (version %s, pid %s, up %s)%n", text(health.path("service_name")), hub.url(),
                text(health.path("status")), text(health.path("version")), text(health.path("pid")),
                duration(health.path("uptime_s")));
        health.path("reasons").forEach(reason -> out.println("  " + reason.asText()));
        out.println();
        servicesTable(services, health).print(out);
        out.println();
        if (jobList.isEmpty()) {
            out.println("no training jobs");
        } else {
            JobsCommand.table(jobList).print(out);
        }
        out.flush();
        return 0;
    }

    static Table servicesTable(JsonNode services, JsonNode health) {
        Table table = new Table("SERVICE", "STATE", "PID", "PORT", "UPTIME", "RESTARTS", "HEALTH", "LAST EXIT");
        for (JsonNode service : services) {
            JsonNode supervision = service.path("supervision");
            boolean hub = "hub".equals(service.path("metadata").path("role").asText());
            String state = text(supervision.path("state"));
            table.row(text(service.path("service_name")),
                    state != null ? state : service.path("status").isNull() ? null : "registered",
                    text(supervision.isMissingNode() ? service.path("pid") : supervision.path("pid")),
                    text(supervision.isMissingNode() ? service.path("port") : supervision.path("port")),
                    duration(hub ? health.path("uptime_s") : supervision.path("uptime_s")),
                    text(supervision.path("restarts")),
                    text(service.path("status")),
                    text(supervision.path("last_exit_code")));
        }
        return table;
    }
}
