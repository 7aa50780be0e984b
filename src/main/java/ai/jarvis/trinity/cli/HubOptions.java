package ai.jarvis.trinity.cli;

import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.registry.ProcessIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which hub a command talks to: {@code --url}, else TRINITY_HUB_URL, else the hub's own entry in the registry file
 * on this machine (JARVIS_REGISTRY_DIR), else the hub's default address; the token is {@code --token}, else
 * TRINITY_API_TOKEN.
 */
final class HubOptions {

    @Option(names = "--url", paramLabel = "URL",
            description = "the hub, e.g. http://127.0.0.1:8080 (TRINITY_HUB_URL; default: the hub in the registry file)")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the hub's API token (TRINITY_API_TOKEN)")
    String token;

    HubClient connect() {
        Settings settings = Settings.load();
        String apiToken = token != null ? token
                : settings.isSet("trinity.api-token") ? settings.get("trinity.api-token") : null;
        return new HubClient(hubUrl(settings), apiToken);
    }

    private String hubUrl(Settings settings) {
        if (url != null && !url.isBlank()) {
            return url.strip();
        }
        String fromEnvironment = System.getenv("TRINITY_HUB_URL");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        return registeredHub(settings.getPath("jarvis.registry-dir"))
                .orElse("http://" + loopbackOr(settings.get("trinity.bind-host")) + ":" + settings.get("trinity.http-port"));
    }

    /**
     * The URL of the hub registered from this machine; a live process wins over a stale entry. The file is only
     * read (never repaired or locked: that is the hub's business).
     */
    static Optional<String> registeredHub(Path registryDir) {
        JsonNode services;
        try {
            services = JsonOutput.JSON.readTree(registryDir.resolve("services.json").toFile()).path("services");
        } catch (IOException e) {
            return Optional.empty();
        }
        String machine = ProcessIdentity.machineId();
        List<JsonNode> hubs = new ArrayList<>();
        services.forEach(entry -> {
            if ("hub".equals(entry.path("metadata").path("role").asText()) && machine.equals(entry.path("host").asText())) {
                hubs.add(entry);
            }
        });
        return hubs.stream()
                .sorted(Comparator.comparing((JsonNode entry) -> !ProcessHandle.of(entry.path("pid").asLong()).isPresent()))
                .findFirst()
                .map(HubOptions::urlOf);
    }

    private static String urlOf(JsonNode entry) {
        String url = entry.path("metadata").path("url").asText("");
        return url.isBlank() ? "http://" + entry.path("address").asText() + ":" + entry.path("port").asText() : url;
    }

    private static String loopbackOr(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isAnyLocalAddress() ? "127.0.0.1" : bindHost;
        } catch (IOException e) {
            return bindHost;
        }
    }
}
