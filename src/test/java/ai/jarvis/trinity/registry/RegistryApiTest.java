package ai.jarvis.trinity.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry through the hub: REST, the trinity.registry address, events on the bus, recovery at start. */
class RegistryApiTest {

    private static final long RECEIVE_MS = 20_000;

    @TempDir
    Path home;

    private final ObjectMapper json = new ObjectMapper();
    private HubUnderTest hub;
    private int port;

    @BeforeEach
    void startHub() throws IOException, JMSException {
        Path registryDir = Files.createDirectories(home.resolve("registry"));
        Files.writeString(registryDir.resolve("services.json"), "{\"services\": {\"half-writ");
        hub = HubUnderTest.start(home, Map.of("TRINITY_REDELIVERY_DELAY_MS", "10", "TRINITY_MAX_RETRIES", "2"));
        port = hub.port();
    }

    @AfterEach
    void stopHub() throws JMSException {
        hub.close();
    }

    @Test
    void theHubRegisteredItselfOverACorruptFileThatItKeptAside() throws IOException {
        JsonNode services = json.readTree(Http.get(port, "/api/services").body());
        assertThat(services.isArray()).isTrue();
        JsonNode body = services.get(0);
        assertThat(body.path("service_name").asText()).isEqualTo("jarvis-body");
        assertThat(body.path("port").asInt()).isEqualTo(port);
        assertThat(body.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(body.path("metadata").path("broker_urls").path("amqp").asText()).startsWith("amqp://");
        try (Stream<Path> files = Files.list(home.resolve("registry"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("services.json.corrupt-")))
                    .singleElement().satisfies(f -> assertThat(f).content().isEqualTo("{\"services\": {\"half-writ"));
        }
    }

    @Test
    void registerHeartbeatGetDeregisterOverRest() throws Exception {
        HttpResponse<String> registered = Http.postJson(port, "/api/services/jarvis-prime",
                "{\"port\": 8002, \"health_endpoint\": \"/health\", \"metadata\": {\"model\": \"tiny\"}}");
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(json.readTree(registered.body()).path("status").asText()).isEqualTo("starting");
        assertThat(Http.get(port, "/api/services").body()).doesNotContain("jarvis-prime");
        assertThat(Http.get(port, "/api/services?all=true").body()).contains("jarvis-prime");

        HttpResponse<String> beat = Http.postJson(port, "/api/services/jarvis-prime/heartbeat", "{\"status\": \"healthy\"}");
        assertThat(json.readTree(beat.body()).path("status").asText()).isEqualTo("healthy");
        JsonNode prime = json.readTree(Http.get(port, "/api/services/jarvis-prime").body());
        assertThat(prime.path("metadata").path("model").asText()).isEqualTo("tiny");

        assertThat(Http.delete(port, "/api/services/jarvis-prime").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/api/services/jarvis-prime").statusCode()).isEqualTo(404);
        assertThat(Http.delete(port, "/api/services/jarvis-prime").statusCode()).isEqualTo(404);
    }

    @Test
    void getWithWaitReturnsOnceTheServiceAppears() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting =
                CompletableFuture.supplyAsync(() -> Http.get(port, "/api/services/reactor-core?wait=60s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            // register (again) until the waiting request has surely started polling and seen it
            Http.postJson(port, "/api/services/reactor-core", "{\"status\": \"healthy\"}");
            return waiting.isDone();
        });
        assertThat(waiting.get().statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/api/services/nobody?wait=300ms").statusCode()).isEqualTo(404);
        assertThat(Http.get(port, "/api/services/nobody?wait=soon").statusCode()).isEqualTo(400);
    }

    @Test
    void badInputGetsAClearError() throws Exception {
        assertError(Http.postJson(port, "/api/services/ok", "{not json"), 400, "malformed JSON");
        assertError(Http.postJson(port, "/api/services/ok", "[1, 2]"), 400, "malformed JSON");
        assertError(Http.postJson(port, "/api/services/ok", "{\"port\": 70000}"), 400, "invalid port");
        assertError(Http.postJson(port, "/api/services/ok", "{\"port\": \"eighty\"}"), 400, "invalid field");
        assertError(Http.postJson(port, "/api/services/ok", "{\"status\": \"sleepy\"}"), 400, "invalid status");
        assertError(Http.postJson(port, "/api/services/Upper", "{}"), 400, "invalid service name");
        assertError(Http.postJson(port, "/api/services/a%0Ab", "{}"), 400, "invalid service name");
        assertError(Http.postJson(port, "/api/services/" + "x".repeat(65), "{}"), 400, "invalid service name");
        assertError(Http.postJson(port, "/api/services/ok/heartbeat", "{}"), 404, "unknown service");
        assertError(Http.send("POST", port, "/api/services/ok", "{\"port\": 1}",
                "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported media type");
        assertError(Http.postJson(port, "/api/services/ok", "{\"metadata\": \"" + "x".repeat(2_000_000) + "\"}"),
                413, "request body too large");
        assertThat(Http.get(port, "/api/services?all=true").body()).doesNotContain("\"ok\"");
    }

    @Test
    void everyChangeIsPublishedOnTheEventBus() throws Exception {
        Session session = hub.session();
        MessageConsumer events = session.createConsumer(session.createTopic("trinity.events.registry.#"));
        Http.postJson(port, "/api/services/evented", "{}");
        Http.postJson(port, "/api/services/evented/heartbeat", "{\"status\": \"healthy\"}");
        Http.delete(port, "/api/services/evented");

        List<String> kinds = new ArrayList<>();
        while (kinds.size() < 3) {
            Message message = events.receive(RECEIVE_MS);
            assertThat(message).as("event " + kinds.size()).isNotNull();
            JsonNode event = json.readTree(((TextMessage) message).getText());
            if (event.path("service_name").asText().equals("evented")) { // the hub's own heartbeats may come too
                kinds.add(event.path("event").asText());
            }
        }
        assertThat(kinds).containsExactly("registered", "status", "deregistered");
    }

    @Test
    void servicesInAnyLanguageRegisterWithOneBrokerMessage() throws Exception {
        Session session = hub.session();
        session.createProducer(session.createQueue("trinity.registry")).send(session.createTextMessage(
                "{\"op\": \"register\", \"service_name\": \"py-worker\", \"port\": 9100, \"status\": \"healthy\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(port, "/api/services/py-worker").statusCode() == 200);
        assertThat(json.readTree(Http.get(port, "/api/services/py-worker").body()).path("port").asInt()).isEqualTo(9100);
    }

    @Test
    void aRegistryMessageThatCannotBeAppliedEndsInTheDeadLetterQueue() throws Exception {
        Session session = hub.session();
        session.createProducer(session.createQueue("trinity.registry"))
                .send(session.createTextMessage("{\"op\": \"register\", \"service_name\": \"Not A Name\"}"));
        MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ::DLQ.trinity.registry"));
        Message dead = dlq.receive(RECEIVE_MS);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).contains("Not A Name");
    }

    private void assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.has("detail")).isTrue();
    }
}
