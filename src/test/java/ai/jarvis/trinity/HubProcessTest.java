package ai.jarvis.trinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub as a user runs it: a separate JVM, signals, exit codes, one-line errors. */
class HubProcessTest {

    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void startsAnswersHealthAndStopsCleanlyOnSigterm() throws Exception {
        Path home = temp.resolve("home");
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(home,
                Map.of("TRINITY_SUPERVISOR_ENABLED", "true", "TRINITY_PROBE_INTERVAL", "0.3")))) {
            int port = hub.awaitUp();
            // Zero configuration: the built-in J-Prime and Reactor-Core run as supervised child processes.
            List<ProcessHandle> children = new ArrayList<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode states = json.readTree(Http.get(port, "/api/health").body()).path("services");
                return "running".equals(states.path("jarvis-prime").asText())
                        && "running".equals(states.path("reactor-core").asText());
            });
            hub.handle().children().forEach(children::add);
            assertThat(children).hasSize(2);
            // A probe that times out on a loaded machine marks it unhealthy until the next one passes.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> registryEntry(home, "jarvis-prime").path("status").asText(), "healthy"::equals);
            assertThat(hub.output()).contains("[JARVIS-PRIME] ").contains("[REACTOR-CORE] ");

            HttpResponse<String> response = Http.get(port, "/api/health");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode health = json.readTree(response.body());
            assertThat(health.path("status").asText()).isIn("healthy", "degraded");
            assertThat(health.path("role").asText()).isEqualTo("hub");
            assertThat(health.path("version").asText()).isNotBlank();
            assertThat(health.path("uptime_s").isNumber()).isTrue();
            assertThat(health.path("broker").path("state").asText()).isEqualTo("started");
            assertThat(health.path("broker").path("urls").path("amqp").asText()).startsWith("amqp://127.0.0.1:");
            assertThat(health.path("broker").path("urls").path("core").asText()).startsWith("tcp://127.0.0.1:");
            for (String key : List.of("cpu_pct", "mem_pct", "mem_free_bytes", "disk_free_bytes")) {
                assertThat(health.path("system").has(key)).as(key).isTrue();
            }
            int amqpPort = Integer.parseInt(health.path("broker").path("urls").path("amqp").asText().replaceAll(".*:", ""));

            for (String dir : List.of("registry", "bridge/training_staging", "trinity/events", "broker", "models", "logs")) {
                assertThat(home.resolve(dir)).isDirectory();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(dir)))).isEqualTo("rwx------");
            }
            assertThat(home.resolve("logs/hub.log")).content().contains("is up: http://127.0.0.1:" + port);

            assertThat(registryEntry(home, "jarvis-body").path("port").asInt()).isEqualTo(port);

            hub.terminate();
            assertThat(hub.awaitExit(STOP_DEADLINE)).isZero();
            assertThat(registryEntry(home, "jarvis-body").isMissingNode()).as("deregistered at stop").isTrue();
            assertThat(hub.output()).contains("Broker stopped");
            assertThat(hub.handle().descendants()).isEmpty();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(canBind(port)).as("HTTP port released").isTrue();
            assertThat(canBind(amqpPort)).as("AMQP port released").isTrue();
        }
    }

    @Test
    void aSigtermWhileStartingIsACleanStopOnceStarted() {
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"), Map.of()))) {
            hub.awaitOutput("Apache Camel (Main)");
            hub.terminate();
            assertThat(hub.awaitExit(STOP_DEADLINE)).as(hub.output()).isZero();
            assertThat(hub.output()).contains("SIGTERM received").contains("Broker stopped");
        }
    }

    @Test
    void secondHubOnTheSameHomeIsRefused() {
        Path home = temp.resolve("home");
        try (ChildProcess first = ChildProcess.start(temp, TestHomes.environment(home, Map.of()))) {
            first.awaitUp();
            try (ChildProcess second = ChildProcess.start(temp, TestHomes.environment(home, Map.of()))) {
                assertThat(second.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
                assertThat(errorLine(second)).contains("another hub is already running on " + home)
                        .contains("pid " + first.pid()).contains("TRINITY_HOME");
            }
            assertThat(Http.get(first.awaitUp(), "/api/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortNamesTheSettingToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"),
                     Map.of("TRINITY_AMQP_PORT", Integer.toString(taken.getLocalPort()))))) {
            assertThat(hub.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
            assertThat(errorLine(hub)).contains("port " + taken.getLocalPort()).contains("TRINITY_AMQP_PORT");
        }
    }

    @Test
    void anUnwritableHomeIsRefused() throws IOException {
        Path aFile = Files.writeString(temp.resolve("not-a-folder"), "x");
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(aFile.resolve("home"), Map.of()))) {
            assertThat(hub.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
            assertThat(errorLine(hub)).contains("cannot create folder").contains("TRINITY_HOME");
        }
    }

    @Test
    void anInvalidBrokerXmlNamesTheFile() throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("broker.xml"),
                "<configuration xmlns=\"urn:activemq\"><core xmlns=\"urn:activemq:core\"><no-such-setting/></core></configuration>");
        Map<String, String> env = new HashMap<>(Map.of("TRINITY_CONFIG_DIR", config.toString()));
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"), env))) {
            assertThat(hub.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
            assertThat(errorLine(hub)).contains("invalid " + config.resolve("broker.xml")).contains("no-such-setting");
        }
    }

    @Test
    void aBrokenRouteFileNamesTheFile() throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Path routes = Files.createDirectories(config.resolve("routes"));
        Files.writeString(routes.resolve("broken.yaml"), "- route:\n    from:\n      uri: timer:x\n     steps: [oops\n");
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"),
                Map.of("TRINITY_CONFIG_DIR", config.toString())))) {
            assertThat(hub.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
            assertThat(errorLine(hub)).contains("broken.yaml");
        }
    }

    @Test
    void aNonLoopbackBindWithoutCredentialsIsRefused() {
        try (ChildProcess hub = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"),
                Map.of("TRINITY_BIND_HOST", "0.0.0.0")))) {
            assertThat(hub.awaitExit(STOP_DEADLINE)).isEqualTo(Launcher.EXIT_STARTUP_FAILURE);
            assertThat(errorLine(hub)).contains("not a loopback address").contains("TRINITY_API_TOKEN");
        }
    }

    @Test
    void theBuiltInRolesStartAndAnswerTheirOwnHealth() throws Exception {
        for (String role : List.of("prime", "reactor")) {
            try (ChildProcess child = ChildProcess.start(temp, TestHomes.environment(temp.resolve("home"), Map.of()), role)) {
                JsonNode health = json.readTree(Http.get(child.awaitUp(), "/api/health").body());
                assertThat(health.path("role").asText()).isEqualTo(role);
                assertThat(health.has("broker")).isFalse();
                child.terminate();
                assertThat(child.awaitExit(STOP_DEADLINE)).isZero();
            }
        }
    }

    private JsonNode registryEntry(Path home, String name) throws IOException {
        return json.readTree(home.resolve("registry/services.json").toFile()).path("services").path(name);
    }

    /** The one line the process printed about why it could not start; nothing else may look like a stack trace. */
    private static String errorLine(ChildProcess process) {
        String output = process.output();
        assertThat(output).doesNotContain("\tat ").doesNotContain("Exception:");
        List<String> errors = output.lines().filter(line -> line.startsWith("trinity-camel: error: ")).toList();
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
