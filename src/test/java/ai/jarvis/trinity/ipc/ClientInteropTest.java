package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.testing.HubUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example clients of examples/ (Python with qpid-proton, Node with rhea) against a real hub over AMQP 1.0:
 * enqueue with an idempotency key, a wildcard subscription to the event bus, an RPC call answered by a Camel route.
 * They run where their libraries are installed (.ci/run installs both).
 */
class ClientInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROCESS_TIMEOUT_S = 60;

    @TempDir
    static Path home;
    @AutoClose
    private static HubUnderTest hub;

    @BeforeAll
    static void startHub() throws Exception {
        hub = HubUnderTest.start(home);
    }

    @Test
    void pythonEnqueuesWithAnIdempotencyKeyOnceAndItsJsonAndPropertiesSurvive() throws Exception {
        assumeTrue(pythonHasProton(), "python3-qpid-proton is not installed");
        Session session = hub.session();
        MessageConsumer queue = session.createConsumer(session.createQueue("trinity.queue.interop-python"));
        String body = "{\"text\": \"h\\u00e9llo\", \"n\": 3, \"list\": [1, 2]}";
        for (int i = 0; i < 2; i++) {
            JsonNode sent = lastLine(run(python("enqueue", "interop-python", body, "--key", "order-17",
                    "--property", "origin=python")));
            assertThat(sent.path("sent").asBoolean()).isTrue();
        }
        Message first = queue.receive(20_000);
        assertThat(first).isInstanceOf(TextMessage.class);
        assertThat(JSON.readTree(((TextMessage) first).getText())).isEqualTo(JSON.readTree(body));
        assertThat(first.getStringProperty("origin")).isEqualTo("python");
        assertThat(queue.receive(1_000)).as("the second send with the same key is stored once").isNull();
        session.close();
    }

    @Test
    void nodeEnqueuesWithAnIdempotencyKeyOnce() throws Exception {
        assumeTrue(nodeClientInstalled(), "examples/node has no node_modules (npm ci --prefix examples/node)");
        Session session = hub.session();
        MessageConsumer queue = session.createConsumer(session.createQueue("trinity.queue.interop-node"));
        for (int i = 0; i < 2; i++) {
            run(node("enqueue", "interop-node", "{\"from\": \"node\"}", "--key", "order-18"));
        }
        Message first = queue.receive(20_000);
        assertThat(JSON.readTree(((TextMessage) first).getText()).path("from").asText()).isEqualTo("node");
        assertThat(queue.receive(1_000)).isNull();
        session.close();
    }

    @Test
    void pythonAndNodeSubscribersWithWildcardsGetEventsTheCamelRoutesPublish() throws Exception {
        List<Client> subscribers = new ArrayList<>();
        if (pythonHasProton()) {
            subscribers.add(start(python("subscribe", "interop.*.done", "--count", "1", "--timeout", "60")));
        }
        if (nodeClientInstalled()) {
            subscribers.add(start(node("subscribe", "interop.#", "--count", "1", "--timeout", "60")));
        }
        assumeTrue(!subscribers.isEmpty(), "neither client library is installed");
        for (Client subscriber : subscribers) {
            awaitLine(subscriber, "subscribed");
        }
        // A registered service is announced by the registry route on trinity.events.registry.*; this test's own
        // topic goes through the same events route (seda:event) as every event of the hub.
        hub.node().camelContext().createProducerTemplate().sendBodyAndHeader("seda:event",
                Map.of("job", "interop", "ok", true, "score", 0.5), "trinityTopic", "interop.job.done");
        for (Client subscriber : subscribers) {
            JsonNode received = lastLine(finish(subscriber));
            assertThat(received.path("topic").asText()).isEqualTo("trinity.events.interop.job.done");
            assertThat(received.path("event")).isEqualTo(JSON.readTree("{\"job\":\"interop\",\"ok\":true,\"score\":0.5}"));
            assertThat(received.path("properties").path("topic").asText()).isEqualTo("interop.job.done");
        }
    }

    @Test
    void pythonAndNodeCallTheHubOverRpcAndGetItsAnswerOrItsError() throws Exception {
        List<List<String>> clients = new ArrayList<>();
        if (pythonHasProton()) {
            clients.add(List.of("python"));
        }
        if (nodeClientInstalled()) {
            clients.add(List.of("node"));
        }
        assumeTrue(!clients.isEmpty(), "neither client library is installed");
        for (List<String> client : clients) {
            boolean py = client.get(0).equals("python");
            JsonNode answer = lastLine(run(py ? python("rpc", "jarvis-body", "ping") : node("rpc", "jarvis-body", "ping")));
            assertThat(answer.path("result").path("service").asText()).as(client.toString()).isEqualTo("jarvis-body");
            assertThat(answer.path("correlation_id").asText()).isNotBlank();

            Client unknown = start(py ? python("rpc", "jarvis-body", "no_such_method")
                    : node("rpc", "jarvis-body", "no_such_method"));
            assertThat(unknown.process().waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
            assertThat(unknown.process().exitValue()).as(unknown.text()).isEqualTo(1);
            JsonNode error = lastLine(unknown.text());
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32601);
        }
    }

    private static List<String> python(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "examples/python/trinity_client.py"));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> node(String... args) {
        List<String> command = new ArrayList<>(List.of("node", "examples/node/trinity-client.js"));
        command.addAll(List.of(args));
        return command;
    }

    private static boolean pythonHasProton() throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import proton").redirectErrorStream(true).start();
        return probe.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    private static boolean nodeClientInstalled() {
        return Files.isDirectory(Path.of("examples/node/node_modules/rhea"));
    }

    /** A client process and the file its output goes to. */
    private record Client(Process process, Path output) {
        String text() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }
    }

    private static Client start(List<String> command) throws IOException {
        Path output = Files.createTempFile(home, "client-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("TRINITY_AMQP_URL", hub.node().brokerUrls().get("amqp"));
        return new Client(builder.start(), output);
    }

    /** Runs a client to its end; it must succeed. */
    private static String run(List<String> command) throws Exception {
        return finish(start(command));
    }

    private static String finish(Client client) throws Exception {
        try {
            assertThat(client.process().waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)).as("client still running").isTrue();
            assertThat(client.process().exitValue()).as(client.text()).isZero();
            return client.text();
        } finally {
            client.process().destroyForcibly();
        }
    }

    private static JsonNode lastLine(String output) throws IOException {
        String[] lines = output.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static void awaitLine(Client client, String text) throws IOException {
        await().atMost(Duration.ofSeconds(PROCESS_TIMEOUT_S))
                .until(() -> client.text().contains(text) || !client.process().isAlive());
        assertThat(client.text()).contains(text);
    }
}
