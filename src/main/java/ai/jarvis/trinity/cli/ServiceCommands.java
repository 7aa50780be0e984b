package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.cli.Formats.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code start}, {@code stop} and {@code restart} of a supervised service. */
final class ServiceCommands {

    private ServiceCommands() {
    }

    /** POST /api/services/{name}/{action}; prints the service's supervision state afterwards. */
    abstract static class Action extends HubCommand {

        @Parameters(paramLabel = "SERVICE", description = "a service of services.yaml, e.g. jarvis-prime")
        String service;

        @Mixin
        JsonOutput output;

        abstract String action();

        @Override
        int run(HubClient hub) {
            JsonNode view = hub.post("/api/services/" + service + "/" + action());
            if (output.json) {
                JsonOutput.print(out(), view);
            } else {
                String pid = text(view.path("pid"));
                out().println(service + ": " + text(view.path("state")) + (pid == null ? "" : " (pid " + pid + ")"));
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "start", usageHelpWidth = 100,
            description = "Starts a stopped or failed service (409 when it runs).")
    static final class Start extends Action {
        @Override
        String action() {
            return "start";
        }
    }

    @Command(name = "stop", usageHelpWidth = 100,
            description = "Stops a service; it stays down until started.")
    static final class Stop extends Action {
        @Override
        String action() {
            return "stop";
        }
    }

    @Command(name = "restart", usageHelpWidth = 100,
            description = "Stops a service and starts it again.")
    static final class Restart extends Action {
        @Override
        String action() {
            return "restart";
        }
    }
}
