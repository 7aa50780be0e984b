package ai.jarvis.trinity.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub killed with -9 leaves its external services running; the next hub adopts them instead of starting twins. */
class AdoptionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theNextHubAdoptsAHealthyServiceLeftByAKilledHub() throws Exception {
        assumeTrue(ChildCommand.findOnPath("python3") != null, "python3 is not installed");
        Path config = Files.createDirectories(temp.resolve("config"));
        Path server = temp.resolve("web.sh");
        Files.writeString(server, "#!/usr/bin/env bash\nexec python3 -m http.server \"$PORT\" --bind 127.0.0.1\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(config.resolve("services.yaml"), "services:\n  - name: web\n    command: [\"" + server
                + "\"]\n    port: 0\n    health: /\n");
        Map<String, String> env = TestHomes.environment(temp.resolve("home"),
                Map.of("TRINITY_CONFIG_DIR", config.toString(), "TRINITY_PROBE_INTERVAL", "0.2",
                        "TRINITY_SUPERVISOR_ENABLED", "true"));
        long webPid = 0;
        try {
            try (ChildProcess first = ChildProcess.start(temp, env)) {
                int port = first.awaitUp();
                webPid = awaitState(port, "running").path("pid").asLong();
                first.handle().destroyForcibly(); // kill -9: no clean stop
                first.awaitExit(DEADLINE);
            }
            assertThat(ProcessHandle.of(webPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the service outlives its killed hub").isTrue();

            try (ChildProcess second = ChildProcess.start(temp, env)) {
                int port = second.awaitUp();
                JsonNode adopted = awaitState(port, "adopted");
                assertThat(adopted.path("pid").asLong()).as("adopted, not launched again").isEqualTo(webPid);
                assertThat(second.output()).contains("Adopted web (pid " + webPid);

                second.terminate();
                assertThat(second.awaitExit(DEADLINE)).isZero();
            }
            assertThat(ProcessHandle.of(webPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("stopped with the hub that adopted it").isFalse();
        } finally {
            ProcessHandle.of(webPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aLeftoverThatFailsItsHealthCheckIsReplacedNotAdopted() throws Exception {
        assumeTrue(ChildCommand.findOnPath("python3") != null, "python3 is not installed");
        Path server = temp.resolve("web.sh");
        Files.writeString(server, "#!/usr/bin/env bash\nexec python3 -m http.server \"$PORT\" --bind 127.0.0.1\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> healthy = environment(server, "/");
        Map<String, String> failing = environment(server, "/no-such-page"); // 404: unhealthy for the next hub
        long leftover = 0;
        long replacement = 0;
        try {
            try (ChildProcess first = ChildProcess.start(temp, healthy)) {
                leftover = awaitState(first.awaitUp(), "running").path("pid").asLong();
                first.handle().destroyForcibly();
                first.awaitExit(DEADLINE);
            }
            try (ChildProcess second = ChildProcess.start(temp, failing)) {
                int port = second.awaitUp();
                replacement = awaitState(port, "starting").path("pid").asLong();
                assertThat(replacement).isNotEqualTo(leftover);
                assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(second.output()).contains("is running but unhealthy: stopping it and starting a new one");
                second.terminate();
                assertThat(second.awaitExit(DEADLINE)).isZero();
            }
        } finally {
            ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(replacement).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A hub whose services.yaml runs {@code server} with the given health path (its own config folder). */
    private Map<String, String> environment(Path server, String health) throws IOException {
        Path config = Files.createDirectories(temp.resolve("config" + health.replace('/', '_')));
        Files.writeString(config.resolve("services.yaml"), "services:\n  - name: web\n    command: [\"" + server
                + "\"]\n    port: 0\n    health: " + health + "\n    start_timeout: 300\n");
        return TestHomes.environment(temp.resolve("home"), Map.of("TRINITY_CONFIG_DIR", config.toString(),
                "TRINITY_PROBE_INTERVAL", "0.2", "TRINITY_SUPERVISOR_ENABLED", "true"));
    }

    private JsonNode awaitState(int hubPort, String state) {
        JsonNode[] view = new JsonNode[1];
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
            view[0] = supervision(hubPort);
            return state.equals(view[0].path("state").asText());
        });
        return view[0];
    }

    private JsonNode supervision(int hubPort) throws IOException {
        for (JsonNode entry : json.readTree(Http.get(hubPort, "/api/services?all=true").body())) {
            if ("web".equals(entry.path("service_name").asText())) {
                return entry.path("supervision");
            }
        }
        return json.missingNode();
    }
}
