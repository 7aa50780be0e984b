package ai.jarvis.trinity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route files on disk are the configuration: edits apply while the hub runs, mistakes never take routes away. */
class RouteReloadTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private Path routes;

    @BeforeEach
    void configFolderWithOneRoute() throws IOException {
        routes = Files.createDirectories(temp.resolve("config/routes"));
        writeGreeting("v1");
    }

    @Test
    void anEditedRouteFileIsReloaded() throws IOException {
        try (TrinityNode hub = startHub()) {
            assertThat(Http.get(hub.httpPort(), "/api/greeting").body()).isEqualTo("v1");
            writeGreeting("v2");
            await().atMost(DEADLINE).until(() -> Http.get(hub.httpPort(), "/api/greeting").body().equals("v2"));
        }
    }

    @Test
    void aFileThatDoesNotParseLeavesTheRoutesItHad() throws IOException {
        try (TrinityNode hub = startHub()) {
            RouteFileReloader reloader = hub.routeReloader().orElseThrow();
            Files.writeString(routes.resolve("greeting.yaml"), "- route:\n    from: [ this is not\n");
            await().atMost(DEADLINE).until(() -> reloader.rejectedCount() >= 1);
            assertThat(reloader.lastRejection()).startsWith("greeting.yaml: ");
            assertThat(Http.get(hub.httpPort(), "/api/greeting").body()).isEqualTo("v1");
        }
    }

    @Test
    void aFileWhoseRoutesCannotStartLeavesTheRoutesItHad() throws IOException {
        try (TrinityNode hub = startHub()) {
            RouteFileReloader reloader = hub.routeReloader().orElseThrow();
            Files.writeString(routes.resolve("greeting.yaml"), Files.readString(routes.resolve("greeting.yaml"))
                    .replace("direct:greeting\n", "no-such-component:greeting\n"));
            await().atMost(DEADLINE).until(() -> reloader.rejectedCount() >= 1);
            assertThat(reloader.lastRejection()).contains("no-such-component");
            assertThat(Http.get(hub.httpPort(), "/api/greeting").body()).isEqualTo("v1");
        }
    }

    @Test
    void aDeletedRouteFileTakesItsRoutesAway() throws IOException {
        try (TrinityNode hub = startHub()) {
            Files.delete(routes.resolve("greeting.yaml"));
            await().atMost(DEADLINE).until(() -> hub.camelContext().getRoute("greeting") == null);
        }
    }

    private TrinityNode startHub() {
        return TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"),
                Map.of("TRINITY_CONFIG_DIR", temp.resolve("config").toString())));
    }

    private void writeGreeting(String version) throws IOException {
        Files.writeString(routes.resolve("greeting.yaml"), String.join("\n",
                "- rest:",
                "    id: greeting-api",
                "    path: /api",
                "    get:",
                "      - id: get-greeting",
                "        path: /greeting",
                "        to: direct:greeting",
                "- route:",
                "    id: greeting",
                "    from:",
                "      uri: direct:greeting",
                "      steps:",
                "        - setBody:",
                "            constant: " + version,
                ""));
    }
}
