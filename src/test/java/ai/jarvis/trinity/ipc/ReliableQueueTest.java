package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Reliable queues trinity.queue.<name> on one hub with fast redelivery (50 ms doubling, 3 attempts): the REST API,
 * idempotency, redelivery and dead letters, and the queue-worker route template against HTTP endpoints on loopback.
 */
class ReliableQueueTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long RECEIVE_TIMEOUT_MS = 20_000;
    private static final int REDELIVERY_DELAY_MS = 50;
    private static final int MAX_RETRIES = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    private static TrinityNode hub;
    private static int port;
    private static Connection connection;
    private static HttpServer endpoints;
    private static final List<Request> requests = new CopyOnWriteArrayList<>();
    private static final AtomicInteger flakyFailuresLeft = new AtomicInteger(2);
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** What an endpoint received. */
    private record Request(String path, String body, String messageId, int deliveryCount, String contentType) {
    }

    @BeforeAll
    static void startHubWithWorkers() throws Exception {
        endpoints = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // 500, not 503: Apache HttpClient itself retries a 503 once within one delivery.
        endpoints.createContext("/flaky", exchange -> answer(exchange,
                flakyFailuresLeft.getAndDecrement() > 0 ? 500 : 200));
        endpoints.createContext("/broken", exchange -> answer(exchange, 500));
        endpoints.createContext("/picky", exchange -> answer(exchange, 200));
        endpoints.start();
        Path config = temp.resolve("config");
        copyTree(Path.of("routes"), config.resolve("routes"));
        String base = "http://127.0.0.1:" + endpoints.getAddress().getPort();
        Files.writeString(config.resolve("routes/workers.yaml"), workers(Map.of(
                "flaky-work", base + "/flaky", "broken-work", base + "/broken", "picky-work", base + "/picky")));

        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(),
                "TRINITY_REDELIVERY_DELAY_MS", Integer.toString(REDELIVERY_DELAY_MS),
                "TRINITY_MAX_RETRIES", Integer.toString(MAX_RETRIES))));
        port = hub.httpPort();
        connection = connect("");
    }

    @AfterAll
    static void stopHub() throws JMSException {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        if (connection != null) {
            connection.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (endpoints != null) {
            endpoints.stop(0);
        }
    }

    /** A user's route file: one queue-worker per queue, instantiated from the template of routes/queues.yaml. */
    private static String workers(Map<String, String> uris) {
        StringBuilder yaml = new StringBuilder();
        uris.forEach((queue, uri) -> yaml.append(String.join("\n",
                "- templatedRoute:",
                "    routeTemplateRef: queue-worker",
                "    routeId: " + queue + "-worker",
                "    parameters:",
                "      - name: queue",
                "        value: " + queue,
                "      - name: uri",
                "        value: " + uri,
                "")));
        return yaml.toString();
    }

    /** The picky endpoint fails every message that contains "poison". */
    private static void answer(HttpExchange exchange, int status) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String deliveryCount = exchange.getRequestHeaders().getFirst("X-Trinity-Delivery-Count");
        requests.add(new Request(path, body, exchange.getRequestHeaders().getFirst("X-Trinity-Message-Id"),
                deliveryCount == null ? -1 : Integer.parseInt(deliveryCount),
                exchange.getRequestHeaders().getFirst("Content-Type")));
        int code = path.equals("/picky") && body.contains("poison") ? 500 : status;
        exchange.sendResponseHeaders(code, -1);
        exchange.close();
    }

    // --- POST /api/queues/{name} -------------------------------------------------------------------------------

    @Test
    void aMessageEnqueuedOverRestIsConsumedOverJmsIntact() throws Exception {
        String body = "{\"order\": 42, \"items\": [\"a\", \"b\"], \"note\": \"caf\u00e9 \u2603\"}";
        HttpResponse<String> sent = Http.postJson(port, "/api/queues/intact", body);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(sent.body());
        assertThat(answer.path("queue").asText()).isEqualTo("trinity.queue.intact");
        assertThat(answer.path("duplicate").asBoolean()).isFalse();
        assertThat(answer.path("message_id").asText()).startsWith("ID:");

        Message message = receive("trinity.queue.intact");
        assertThat(((TextMessage) message).getText()).isEqualTo(body);
        assertThat(message.getJMSMessageID()).isEqualTo(answer.path("message_id").asText());
        assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(message.getStringProperty("JMS_AMQP_ContentType")).isEqualTo("application/json");
        assertThat(propertyNames(message)).as("nothing of the HTTP request goes along")
                .allSatisfy(name -> assertThat(name).matches("JMS.*|_AMQ.*|__AMQ.*"));

        for (String value : List.of("\"just a string\"", "[1, 2, 3]", "17", "null")) {
            HttpResponse<String> scalar = Http.postJson(port, "/api/queues/intact", value);
            assertThat(scalar.statusCode()).as(value).isEqualTo(202);
            assertThat(((TextMessage) receive("trinity.queue.intact")).getText()).isEqualTo(value);
        }
    }

    @Test
    void theSameIdempotencyKeyTwiceIsStoredOnceAndTheSecondAnswerSaysDuplicate() throws Exception {
        HttpResponse<String> first = postWithKey("idem", "{\"n\": 1}", "order-7");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(JSON.readTree(first.body()).path("duplicate").asBoolean()).isFalse();

        HttpResponse<String> second = postWithKey("idem", "{\"n\": 1}", "order-7");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(second.body());
        assertThat(answer.path("duplicate").asBoolean()).isTrue();
        assertThat(answer.path("queue").asText()).isEqualTo("trinity.queue.idem");
        assertThat(queueEntry("idem").path("depth").asLong()).isEqualTo(1);

        assertThat(postWithKey("idem", "{\"n\": 2}", "order-8").statusCode()).isEqualTo(202);
        assertThat(postWithKey("idem-elsewhere", "{\"n\": 1}", "order-7").statusCode())
                .as("keys are per queue").isEqualTo(202);
        assertThat(queueEntry("idem").path("depth").asLong()).isEqualTo(2);
        assertThat(receive("trinity.queue.idem").getStringProperty("_AMQ_DUPL_ID")).isEqualTo("order-7");
    }

    // --- redelivery and dead letters ---------------------------------------------------------------------------

    @Test
    void aRolledBackMessageIsRedeliveredLaterEachTimeThenDeadLettered() throws Exception {
        assertThat(Http.postJson(port, "/api/queues/retried", "{\"task\": \"fails\"}").statusCode()).isEqualTo(202);
        List<Integer> deliveryCounts = new ArrayList<>();
        List<Long> receivedAt = new ArrayList<>();
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = session.createConsumer(session.createQueue("trinity.queue.retried"))) {
            for (Message message = consumer.receive(RECEIVE_TIMEOUT_MS); message != null;
                 message = consumer.receive(2_000)) {
                receivedAt.add(System.nanoTime());
                deliveryCounts.add(message.getIntProperty("JMSXDeliveryCount"));
                session.rollback();
            }
        }
        assertThat(deliveryCounts).containsExactly(1, 2, 3);
        long firstDelay = (receivedAt.get(1) - receivedAt.get(0)) / 1_000_000;
        long secondDelay = (receivedAt.get(2) - receivedAt.get(1)) / 1_000_000;
        assertThat(firstDelay).isBetween(REDELIVERY_DELAY_MS - 5L, 10_000L);
        assertThat(secondDelay).as("the delay doubles").isBetween(2L * REDELIVERY_DELAY_MS - 5, 10_000L);

        Message dead = receive("DLQ::DLQ.trinity.queue.retried");
        assertThat(((TextMessage) dead).getText()).isEqualTo("{\"task\": \"fails\"}");
        assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("trinity.queue.retried");
    }

    @Test
    void theListShowsDepthConsumersAndDeadLetters() throws Exception {
        assertThat(Http.postJson(port, "/api/queues/listed", "\"poison\"").statusCode()).isEqualTo(202);
        deadLetterEverything("listed", 1);
        assertThat(Http.postJson(port, "/api/queues/listed", "{\"n\": 1}").statusCode()).isEqualTo(202);
        assertThat(Http.postJson(port, "/api/queues/listed", "{\"n\": 2}").statusCode()).isEqualTo(202);
        try (Connection noPrefetch = connect("?consumerWindowSize=0");
             Session session = noPrefetch.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer idle = session.createConsumer(session.createQueue("trinity.queue.listed"))) {
            await().atMost(DEADLINE).until(() -> queueEntry("listed").path("consumers").asInt() == 1);
            JsonNode entry = queueEntry("listed");
            assertThat(entry.path("address").asText()).isEqualTo("trinity.queue.listed");
            assertThat(entry.path("depth").asLong()).isEqualTo(2);
            assertThat(entry.path("in_flight").asLong()).isEqualTo(0);
            assertThat(entry.path("dlq").asText()).isEqualTo("DLQ.trinity.queue.listed");
            assertThat(entry.path("dlq_depth").asLong()).isEqualTo(1);
            assertThat(entry.path("messages_added").asLong()).isEqualTo(3);
        }
        JsonNode all = JSON.readTree(Http.get(port, "/api/queues").body());
        assertThat(all.isArray()).isTrue();
        assertThat(names(all)).contains("listed").allSatisfy(name -> assertThat(name).doesNotStartWith("trinity."));
    }

    @Test
    void deadLettersAreBrowsedReplayedAndPurged() throws Exception {
        sendJms("trinity.queue.dead", "{\"n\": 1}", Map.of("customer", "acme", "attempt", 7));
        sendJms("trinity.queue.dead", "plain text, not JSON", Map.of());
        sendJms("trinity.queue.dead", "{\"n\": 3}", Map.of());
        String keyed = JSON.readTree(postWithKey("dead", "{\"n\": 4}", "dead-key").body()).path("message_id").asText();
        deadLetterEverything("dead", 4);

        JsonNode letters = browse("dead", "");
        assertThat(letters).hasSize(4);
        JsonNode first = withBody(letters, "{\"n\":1}");
        assertThat(first.path("message_id").asText()).startsWith("ID:");
        assertThat(first.path("body").path("n").asInt()).isEqualTo(1);
        assertThat(first.path("properties").path("customer").asText()).isEqualTo("acme");
        assertThat(first.path("properties").path("attempt").asInt()).isEqualTo(7);
        assertThat(first.path("original_address").asText()).isEqualTo("trinity.queue.dead");
        assertThat(first.path("failure_reason").isNull()).as("the broker dead-lettered it: no reason").isTrue();
        assertThat(first.path("timestamp").asDouble()).isCloseTo(System.currentTimeMillis() / 1000.0,
                org.assertj.core.data.Offset.offset(120.0));
        assertThat(withBody(letters, "\"plain text, not JSON\"").path("properties").size()).isZero();
        assertThat(withBody(letters, "{\"n\":4}").path("message_id").asText()).isEqualTo(keyed);
        assertThat(browse("dead", "?limit=2")).hasSize(2);

        HttpResponse<String> replayedOne =
                Http.send("POST", port, "/api/queues/dead/dlq/replay?message_id=" + keyed, null);
        assertThat(replayedOne.statusCode()).as(replayedOne.body()).isEqualTo(200);
        assertThat(JSON.readTree(replayedOne.body()).path("replayed").asInt()).isEqualTo(1);
        Message back = receive("trinity.queue.dead");
        assertThat(((TextMessage) back).getText()).isEqualTo("{\"n\": 4}");
        assertThat(back.getJMSMessageID()).isEqualTo(keyed);
        assertThat(browse("dead", "")).hasSize(3);

        String plain = withBody(browse("dead", ""), "\"plain text, not JSON\"").path("message_id").asText();
        HttpResponse<String> removedOne = Http.delete(port, "/api/queues/dead/dlq?message_id=" + plain);
        assertThat(JSON.readTree(removedOne.body()).path("removed").asInt()).isEqualTo(1);
        assertThat(browse("dead", "")).hasSize(2);

        HttpResponse<String> replayedAll = Http.send("POST", port, "/api/queues/dead/dlq/replay", null);
        assertThat(JSON.readTree(replayedAll.body()).path("replayed").asInt()).isEqualTo(2);
        assertThat(browse("dead", "")).isEmpty();
        await().atMost(DEADLINE).until(() -> queueEntry("dead").path("depth").asLong() == 2);

        deadLetterEverything("dead", 2);
        HttpResponse<String> removedAll = Http.delete(port, "/api/queues/dead/dlq");
        assertThat(JSON.readTree(removedAll.body()).path("removed").asInt()).isEqualTo(2);
        assertThat(browse("dead", "")).isEmpty();
        assertThat(queueEntry("dead").path("dlq_depth").asLong()).isZero();
    }

    // --- bad input ---------------------------------------------------------------------------------------------

    @Test
    void badNamesBodiesAndUnknownIdsAreRefusedWithTheirStatus() throws Exception {
        for (String name : List.of("Orders", "-lead", "_x", "a%2Ab", "a%23", "x".repeat(129))) {
            HttpResponse<String> refused = Http.postJson(port, "/api/queues/" + name, "{}");
            assertThat(refused.statusCode()).as(name + ": " + refused.body()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid queue name");
        }
        for (String body : List.of("{not json", "{\"a\": 1} trailing", "")) {
            HttpResponse<String> refused = Http.postJson(port, "/api/queues/refused", body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid message");
        }
        assertThat(queueNames()).doesNotContain("refused");

        assertStatus(Http.get(port, "/api/queues/never-used/dlq"), 404, "unknown queue");
        assertStatus(Http.send("POST", port, "/api/queues/never-used/dlq/replay", null), 404, "unknown queue");
        assertStatus(Http.delete(port, "/api/queues/never-used/dlq"), 404, "unknown queue");
        assertStatus(Http.get(port, "/api/queues/Never/dlq"), 400, "invalid queue name");

        assertThat(Http.postJson(port, "/api/queues/known", "{}").statusCode()).isEqualTo(202);
        assertThat(browse("known", "")).isEmpty();
        assertStatus(Http.send("POST", port, "/api/queues/known/dlq/replay?message_id=ID:nope", null), 404,
                "unknown message");
        assertStatus(Http.delete(port, "/api/queues/known/dlq?message_id=ID:nope'or'1'='1"), 404, "unknown message");
        assertStatus(Http.get(port, "/api/queues/known/dlq?limit=0"), 400, "invalid limit");
        assertThat(queueEntry("known").path("depth").asLong()).as("nothing lost").isEqualTo(1);
    }

    @Test
    void messagesTheHubCannotApplyOnItsOwnChannelsAreDeadLetteredWithTheReason() throws Exception {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            session.createProducer(session.createQueue("trinity.registry")).send(session.createTextMessage("not json"));
            session.createProducer(session.createTopic("trinity.status")).send(session.createTextMessage("{\"status\": 1}"));
            // Only once the route dead-lettered them: a consumer of DLQ.<address> made before would create that queue
            // without its filter.
            for (String route : List.of("registry-messages", "job-status")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> log.list.stream().anyMatch(event ->
                        event.getFormattedMessage().startsWith(route + ": ") && event.getFormattedMessage().contains("dead-lettered")));
            }
            for (String address : List.of("trinity.registry", "trinity.status")) {
                MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ::DLQ." + address));
                Message dead = dlq.receive(30_000);
                assertThat(dead).as(address).isNotNull();
                assertThat(dead.getStringProperty("trinity_failure_reason")).as(address).isNotBlank();
                assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo(address);
                dlq.close();
            }
        } finally {
            session.close();
        }
    }

    // --- the queue-worker route template -----------------------------------------------------------------------

    @Test
    void aWorkerRetriesAFailingEndpointUntilItSucceeds() throws Exception {
        String id = JSON.readTree(Http.postJson(port, "/api/queues/flaky-work", "{\"job\": 1}").body())
                .path("message_id").asText();
        await().atMost(DEADLINE).until(() -> requestsTo("/flaky").size() == 3
                && queueEntry("flaky-work").path("depth").asLong() == 0
                && queueEntry("flaky-work").path("in_flight").asLong() == 0);
        List<Request> attempts = requestsTo("/flaky");
        assertThat(attempts).extracting(Request::deliveryCount).containsExactly(1, 2, 3);
        assertThat(attempts).allSatisfy(request -> {
            assertThat(request.body()).isEqualTo("{\"job\": 1}");
            assertThat(request.messageId()).isEqualTo(id);
            assertThat(request.contentType()).isEqualTo("application/json");
        });
        assertThat(queueEntry("flaky-work").path("dlq_depth").asLong()).isZero();
    }

    @Test
    void aWorkerDeadLettersAMessageItsEndpointAlwaysRefusesWithTheReason() throws Exception {
        HttpResponse<String> sent = postWithKey("broken-work", "{\"job\": 2}", "broken-key");
        String id = JSON.readTree(sent.body()).path("message_id").asText();
        await().atMost(DEADLINE).until(() -> queueEntry("broken-work").path("dlq_depth").asLong() == 1);
        assertThat(requestsTo("/broken")).extracting(Request::deliveryCount).containsExactly(1, 2, 3);
        assertThat(queueEntry("broken-work").path("depth").asLong()).isZero();

        JsonNode letter = browse("broken-work", "").get(0);
        assertThat(letter.path("message_id").asText()).isEqualTo(id);
        assertThat(letter.path("body").path("job").asInt()).isEqualTo(2);
        assertThat(letter.path("failure_reason").asText()).contains("statusCode: 500").contains("/broken");
        assertThat(letter.path("delivery_count").asInt()).isEqualTo(MAX_RETRIES);
        assertThat(letter.path("original_address").asText()).isEqualTo("trinity.queue.broken-work");
        assertThat(letter.path("properties").size()).as("trinity's and the broker's headers are not the app's")
                .isZero();
        List<ILoggingEvent> warnings = warningsAbout("broken-work-worker");
        assertThat(warnings).hasSize(MAX_RETRIES).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
        assertThat(warnings.get(MAX_RETRIES - 1).getFormattedMessage()).contains("dead-lettered");

        // The dead-letter queue the worker created takes this queue's dead letters only, like the broker's own.
        assertThat(Http.postJson(port, "/api/queues/broken-neighbour", "{}").statusCode()).isEqualTo(202);
        deadLetterEverything("broken-neighbour", 1);
        assertThat(queueEntry("broken-work").path("dlq_depth").asLong()).isEqualTo(1);

        // Replayed, it fails again and is dead-lettered again: the duplicate id does not make it vanish.
        HttpResponse<String> replayed = Http.send("POST", port, "/api/queues/broken-work/dlq/replay", null);
        assertThat(JSON.readTree(replayed.body()).path("replayed").asInt()).isEqualTo(1);
        await().atMost(DEADLINE).until(() -> requestsTo("/broken").size() == 2 * MAX_RETRIES
                && queueEntry("broken-work").path("dlq_depth").asLong() == 1);
        assertThat(browse("broken-work", "").get(0).path("message_id").asText()).isEqualTo(id);
        assertThat(requestsTo("/broken")).extracting(Request::messageId).containsOnly(id);
    }

    @Test
    void aPoisonMessageDoesNotHoldBackTheMessagesBehindIt() throws Exception {
        assertThat(Http.postJson(port, "/api/queues/picky-work", "\"poison\"").statusCode()).isEqualTo(202);
        assertThat(Http.postJson(port, "/api/queues/picky-work", "\"good 1\"").statusCode()).isEqualTo(202);
        assertThat(Http.postJson(port, "/api/queues/picky-work", "\"good 2\"").statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).until(() -> queueEntry("picky-work").path("dlq_depth").asLong() == 1);

        List<String> order = requestsTo("/picky").stream().map(Request::body).collect(Collectors.toList());
        assertThat(order).containsExactlyInAnyOrder(
                "\"poison\"", "\"poison\"", "\"poison\"", "\"good 1\"", "\"good 2\"");
        assertThat(order.indexOf("\"good 2\"")).as("consumed while the poison waited for its redelivery: " + order)
                .isLessThan(order.lastIndexOf("\"poison\""));
        assertThat(browse("picky-work", "").get(0).path("body").asText()).isEqualTo("poison");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static HttpResponse<String> postWithKey(String queue, String body, String key) {
        return Http.send("POST", port, "/api/queues/" + queue, body, "Content-Type", "application/json",
                "Idempotency-Key", key);
    }

    private static JsonNode queueEntry(String name) throws IOException {
        for (JsonNode entry : JSON.readTree(Http.get(port, "/api/queues").body())) {
            if (entry.path("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError("no queue " + name + " in /api/queues");
    }

    private static List<String> queueNames() throws IOException {
        return names(JSON.readTree(Http.get(port, "/api/queues").body()));
    }

    private static List<String> names(JsonNode entries) {
        List<String> names = new ArrayList<>();
        entries.forEach(entry -> names.add(entry.path("name").asText()));
        return names;
    }

    private static JsonNode browse(String queue, String query) throws IOException {
        HttpResponse<String> response = Http.get(port, "/api/queues/" + queue + "/dlq" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The dead letter whose body is {@code json} (compact JSON; a text body is a JSON string). */
    private static JsonNode withBody(JsonNode letters, String json) {
        for (JsonNode letter : letters) {
            if (letter.path("body").toString().equals(json)) {
                return letter;
            }
        }
        throw new AssertionError("no dead letter " + json + " in " + letters);
    }

    private static void assertStatus(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.has("detail")).isTrue();
    }

    /** Rolls back every delivery of the queue until {@code expected} messages are in its dead-letter queue. */
    private static void deadLetterEverything(String queue, int expected) throws Exception {
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = session.createConsumer(session.createQueue("trinity.queue." + queue))) {
            await().atMost(DEADLINE).until(() -> {
                if (consumer.receive(100) != null) {
                    session.rollback();
                }
                return queueEntry(queue).path("dlq_depth").asLong() == expected;
            });
        }
    }

    private static Message receive(String queue) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(RECEIVE_TIMEOUT_MS);
            assertThat(message).as("a message on " + queue).isNotNull();
            return message;
        }
    }

    private static void sendJms(String queue, String text, Map<String, Object> properties) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage message = session.createTextMessage(text);
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            producer.send(message);
        }
    }

    private static List<String> propertyNames(Message message) throws JMSException {
        List<String> names = new ArrayList<>();
        for (Enumeration<?> e = message.getPropertyNames(); e.hasMoreElements(); ) {
            names.add(e.nextElement().toString());
        }
        return names;
    }

    private static List<Request> requestsTo(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).collect(Collectors.toList());
    }

    private static List<ILoggingEvent> warningsAbout(String routeId) {
        synchronized (log) {
            return log.list.stream()
                    .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .filter(event -> event.getFormattedMessage().contains(routeId))
                    .collect(Collectors.toList());
        }
    }

    private static Connection connect(String options) throws JMSException {
        Connection opened = new ActiveMQConnectionFactory(hub.brokerUrls().get("core") + options).createConnection();
        opened.start();
        return opened;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
