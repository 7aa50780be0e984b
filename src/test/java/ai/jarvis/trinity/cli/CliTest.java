package ai.jarvis.trinity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.util.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user types it: {@code trinity-camel <command>} in a process of its own, against a real hub (in this
 * JVM) with a supervised reactor and the Python test trainer. The hub is found through the registry file.
 */
class CliTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    private static TrinityNode hub;
    private static Path home;

    @BeforeAll
    static void startHubWithReactor() {
        Path config = ReactorSetup.reactorOnlyConfig(temp.resolve("config"), Map.of(
                "TRAINING_TRAINER_COMMANDS", "test=/usr/bin/python3 " + ReactorSetup.testTrainer(temp)));
        Map<String, String> settings = new HashMap<>();
        settings.put("TRINITY_CONFIG_DIR", config.toString());
        settings.put("TRINITY_SUPERVISOR_ENABLED", "true");
        settings.put("TRINITY_PROBE_INTERVAL", "0.5");
        settings.put("TRINITY_MAX_RETRIES", "1");
        settings.put("TRINITY_REDELIVERY_DELAY_MS", "0");
        home = temp.resolve("home");
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(home, settings));
        await().atMost(DEADLINE).until(() -> "running".equals(JSON.readTree(Http.get(hub.httpPort(), "/api/health").body())
                .path("services").path("reactor-core").asText()));
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    /** What a user's shell has: the hub's home, so that the CLI finds the hub in its registry file. */
    private static Map<String, String> userEnvironment() {
        return Map.of("TRINITY_HOME", home.toString());
    }

    private static CliProcess cli(String... args) {
        return CliProcess.run(temp.resolve("cli"), userEnvironment(), args);
    }

    @Test
    void statusJsonParsesAndShowsTheServices() throws Exception {
        CliProcess status = cli("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.err()).isEmpty();
        JsonNode parsed = JSON.readTree(status.out());
        assertThat(parsed.path("url").asText()).isEqualTo("http://127.0.0.1:" + hub.httpPort());
        assertThat(parsed.path("hub").path("role").asText()).isEqualTo("hub");
        assertThat(parsed.path("services").findValuesAsText("service_name")).contains("jarvis-body", "reactor-core");
        assertThat(parsed.path("jobs").isArray()).isTrue();

        CliProcess table = cli("status");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("SERVICE").contains("reactor-core").contains("running");
    }

    @Test
    void trainSubmitsThroughTheDropBoxAndFollowsTheJobToCompletion() throws Exception {
        Path dataset = dataset("questions.jsonl", 20);
        CliProcess train = cli("train", dataset.toString(), "--model-type", "test", "--epochs", "3");

        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("through the drop-box").contains("[##############################] 100%");
        assertThat(train.out()).containsPattern("job job-\\w+ completed: model test v\\d+");
        String jobId = train.out().replaceAll("(?s).*job (job-\\w+) completed.*", "$1");
        JsonNode job = JSON.readTree(Http.get(hub.httpPort(), "/api/training/jobs/" + jobId).body());
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("experiences").asInt()).isEqualTo(20);
        assertThat(job.path("epochs").asInt()).isEqualTo(3);
        assertThat(dataset).exists();
        assertThat(filesIn(staging().resolve("cli"))).isZero();
    }

    @Test
    void trainInlineSendsTheExperiencesInTheRequest() throws Exception {
        Path dataset = temp.resolve("array.json");
        Files.writeString(dataset, "[{\"input\": \"a\", \"output\": \"b\", \"reward\": 1}, "
                + "{\"input\": \"c\", \"output\": \"d\", \"reward\": 0.5}]");
        CliProcess train = cli("train", dataset.toString(), "--model-type", "test", "--inline", "--json");

        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("sent in the request");
        JsonNode job = JSON.readTree(train.out());
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("source").asText()).isEqualTo("experiences");
    }

    @Test
    void aDatasetTheHubRefusesExitsOneWithTheReasonAndLeavesNothingBehind() throws Exception {
        Path dataset = temp.resolve("broken.jsonl");
        Files.writeString(dataset, "{\"input\": \"a\", \"output\": \"b\", \"reward\": 1}\n{\"input\": \"a\"}\n");
        CliProcess train = cli("train", dataset.toString());

        assertThat(train.exitCode()).as(train.toString()).isEqualTo(1);
        assertThat(train.err().strip()).startsWith("400 invalid dataset: ").contains("line 2").doesNotContain("Exception");
        assertThat(filesIn(staging().resolve("cli"))).isZero();
        assertThat(dataset).exists();
    }

    @Test
    void aBadFlagExitsTwoWithAUsageLine() {
        CliProcess status = cli("status", "--frobnicate");
        assertThat(status.exitCode()).isEqualTo(2);
        assertThat(status.err()).contains("Unknown option: '--frobnicate'").contains("Usage: trinity-camel status ");
        assertThat(status.out()).isEmpty();

        CliProcess train = cli("train");
        assertThat(train.exitCode()).isEqualTo(2);
        assertThat(train.err()).contains("Missing required parameter: 'FILE'").contains("Usage: trinity-camel train ");
    }

    @Test
    void aHubThatIsDownIsReportedInOneLine() {
        String url = "http://127.0.0.1:" + FreePorts.pick(InetAddress.getLoopbackAddress());
        CliProcess status = CliProcess.run(temp.resolve("cli"), Map.of("TRINITY_HOME", temp.resolve("nobody").toString()),
                "status", "--url", url);
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err().strip()).isEqualTo("hub not reachable at " + url + " (is it running?)");
        assertThat(status.out()).isEmpty();
    }

    @Test
    void aWrongTokenIsAClear401() {
        Path tokenHome = temp.resolve("token-home");
        try (TrinityNode guarded = TrinityNode.start(Role.HUB, TestHomes.settings(tokenHome,
                Map.of("TRINITY_API_TOKEN", "right-token")))) {
            Map<String, String> environment = Map.of("TRINITY_HOME", tokenHome.toString());
            CliProcess wrong = CliProcess.run(temp.resolve("cli"), environment, "jobs", "--token", "wrong-token");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.err().strip()).isEqualTo("401 unauthorized: the hub at http://127.0.0.1:" + guarded.httpPort()
                    + " refused the API token: check --token or TRINITY_API_TOKEN");

            CliProcess none = CliProcess.run(temp.resolve("cli"), environment, "jobs");
            assertThat(none.exitCode()).isEqualTo(1);
            assertThat(none.err()).startsWith("401 unauthorized: ").contains("requires an API token");

            CliProcess right = CliProcess.run(temp.resolve("cli"), Map.of("TRINITY_HOME", tokenHome.toString(),
                    "TRINITY_API_TOKEN", "right-token"), "jobs", "--json");
            assertThat(right.exitCode()).as(right.toString()).isZero();
        }
    }

    @Test
    void logsPrintsTheTailAndFollowsARestartedService() {
        CliProcess logs = cli("logs", "reactor-core", "-n", "50");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("is up");

        try (CliProcess follow = CliProcess.start(temp.resolve("cli"), userEnvironment(), "logs", "reactor-core", "-f")) {
            await().atMost(DEADLINE).until(() -> follow.out().contains("is up"));
            long upLines = follow.out().lines().filter(line -> line.contains("is up")).count();
            CliProcess restart = cli("restart", "reactor-core");
            assertThat(restart.exitCode()).as(restart.toString()).isZero();
            assertThat(restart.out()).startsWith("reactor-core: ");
            await().atMost(DEADLINE).until(() -> follow.out().lines().filter(line -> line.contains("is up")).count() > upLines);
        }
        await().atMost(DEADLINE).until(() -> "running".equals(JSON.readTree(Http.get(hub.httpPort(), "/api/health").body())
                .path("services").path("reactor-core").asText()));

        CliProcess unknown = cli("logs", "no-such-service");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("404 not a supervised service: no-such-service is not in services.yaml");
    }

    @Test
    void queuesAndDeadLettersAreListedAndReplayed() throws Exception {
        assertThat(Http.postJson(hub.httpPort(), "/api/queues/cli-orders", "{\"order\": 1}").statusCode()).isEqualTo(202);
        deadLetterOne("cli-orders");

        CliProcess queues = cli("queues", "--json");
        assertThat(queues.exitCode()).as(queues.toString()).isZero();
        assertThat(queue(JSON.readTree(queues.out()), "cli-orders").path("dlq_depth").asInt()).isEqualTo(1);

        CliProcess list = cli("dlq", "cli-orders");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("MESSAGE ID").contains("{\"order\":1}");

        CliProcess replay = cli("dlq", "cli-orders", "replay");
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out().strip()).isEqualTo("replayed 1 dead letter(s) onto cli-orders");
        assertThat(queue(JSON.readTree(cli("queues", "--json").out()), "cli-orders").path("depth").asInt()).isEqualTo(1);

        CliProcess wrongAction = cli("dlq", "cli-orders", "explode");
        assertThat(wrongAction.exitCode()).isEqualTo(2);
        assertThat(wrongAction.err()).contains("Usage: trinity-camel dlq ");
    }

    @Test
    void eventsPrintsTheMatchingEventsAsJsonLines() throws Exception {
        try (CliProcess events = CliProcess.start(temp.resolve("cli"), userEnvironment(), "events", "cli.#", "-n", "1", "--json")) {
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
                Http.postJson(hub.httpPort(), "/api/events/cli.test", "{\"hello\": \"world\"}");
                return !events.isAlive();
            });
            assertThat(events.exitCode()).as(events.toString()).isZero();
            JsonNode line = JSON.readTree(events.out().lines().findFirst().orElseThrow());
            assertThat(line.path("topic").asText()).endsWith("cli.test");
            assertThat(line.path("data").path("hello").asText()).isEqualTo("world");
        }
    }

    @Test
    void checkConfigPassesAGoodConfigAndNamesTheBrokenFile() throws Exception {
        Path good = projectConfigCopy("good");
        CliProcess ok = cli("check-config", "--config-dir", good.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("ok     " + good.resolve("broker.xml")).contains("configuration is valid");

        Path badBroker = projectConfigCopy("bad-broker");
        Files.writeString(badBroker.resolve("broker.xml"), Files.readString(badBroker.resolve("broker.xml"))
                .replace("<addresses>", "<adresses>").replace("</addresses>", "</adresses>"));
        assertNamesTheFile(badBroker, badBroker.resolve("broker.xml"), "adresses");

        Path badRoute = projectConfigCopy("bad-route");
        Files.writeString(badRoute.resolve("routes/extra.yaml"),
                "- route:\n    id: extra\n    from:\n      uri: timer:x\n      steps:\n        - frobnicate: {}\n");
        assertNamesTheFile(badRoute, badRoute.resolve("routes/extra.yaml"), "line 6: Unknown node id: frobnicate");

        Path badServices = projectConfigCopy("bad-services");
        Files.writeString(badServices.resolve("services.yaml"), "services:\n  - name: x\n    comand: [\"a\"]\n");
        assertNamesTheFile(badServices, badServices.resolve("services.yaml"), "comand");
    }

    private static void assertNamesTheFile(Path configDir, Path file, String problem) {
        CliProcess check = cli("check-config", "--config-dir", configDir.toString());
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
        List<String> problems = check.out().lines().filter(line -> line.startsWith(file + ": ")).toList();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains(problem);
        assertThat(check.out()).contains("1 of ").doesNotContain("Exception");
    }

    private static Path projectConfigCopy(String name) throws IOException {
        Path dir = temp.resolve("config-" + name);
        Files.createDirectories(dir.resolve("routes"));
        for (String file : new String[] {"broker.xml", "services.yaml"}) {
            Files.copy(Path.of(file), dir.resolve(file));
        }
        try (Stream<Path> routes = Files.walk(Path.of("routes"))) {
            for (Path source : (Iterable<Path>) routes::iterator) {
                Path target = dir.resolve(source.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return dir;
    }

    private static Path dataset(String name, int count) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(JSON.writeValueAsString(Map.of("input", "question " + i, "output", "answer " + i, "reward", 1.0)))
                    .append('\n');
        }
        return Files.writeString(temp.resolve(name), lines);
    }

    private static JsonNode queue(JsonNode queues, String name) {
        for (JsonNode queue : queues) {
            if (name.equals(queue.path("name").asText())) {
                return queue;
            }
        }
        throw new AssertionError("no queue " + name + " in " + queues);
    }

    private static Path staging() {
        return hub.settings().getPath("training.dropbox-dir");
    }

    private static long filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    /** One delivery that is rolled back: with TRINITY_MAX_RETRIES=1 the broker moves the message to its DLQ. */
    private static void deadLetterOne(String queue) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection()) {
            connection.start();
            try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                 MessageConsumer consumer = session.createConsumer(session.createQueue("trinity.queue." + queue))) {
                await().atMost(DEADLINE).until(() -> {
                    if (consumer.receive(100) != null) {
                        session.rollback();
                    }
                    return JSON.readTree(Http.get(hub.httpPort(), "/api/queues/" + queue + "/dlq").body()).size() == 1;
                });
            }
        }
    }
}
