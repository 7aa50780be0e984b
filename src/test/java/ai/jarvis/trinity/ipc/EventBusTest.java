package ai.jarvis.trinity.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus on a real in-process hub: publishing over REST, the SSE bridge with wildcard filters and
 * Last-Event-ID replay from a window of 5 events, and plain JMS subscribers on the same addresses.
 */
class EventBusTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long RECEIVE_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger TOPIC_IDS = new AtomicInteger();

    @TempDir
    static Path home;

    @AutoClose
    private static HubUnderTest hub;
    private static int port;

    @BeforeAll
    static void startHub() throws JMSException {
        // No heartbeats during the tests: the only events are the tests' own (the window holds 5).
        hub = HubUnderTest.start(home, Map.of(
                "TRINITY_EVENTS_WINDOW", "5", "JARVIS_HEARTBEAT_INTERVAL", "3600"));
        port = hub.port();
    }

    /** A topic word no other test uses. */
    private static String fresh(String name) {
        return name + TOPIC_IDS.incrementAndGet();
    }

    // --- publishing and the stream ----------------------------------------------------------------------------

    @Test
    void aPostedEventReachesTheStreamWithItsTopicIdAndData() throws Exception {
        String topic = fresh("demo") + ".hello";
        try (SseClient stream = SseClient.open("/api/events")) {
            HttpResponse<String> posted = post(topic, "{\"step\": 3, \"text\": \"two\\nlines\"}");
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            assertThat(JSON.readTree(posted.body()).path("topic").asText()).isEqualTo(topic);
            assertThat(posted.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));

            SseEvent event = stream.awaitEvent(topic);
            assertThat(event.id()).matches("\\d+");
            JsonNode data = JSON.readTree(event.data());
            assertThat(data.path("step").asInt()).isEqualTo(3);
            assertThat(data.path("text").asText()).isEqualTo("two\nlines");
            assertThat(stream.response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        }
    }

    @Test
    void wildcardsPickTopics() throws Exception {
        String area = fresh("area");
        try (SseClient oneWord = SseClient.open("/api/events?topics=" + area + ".*");
             SseClient anyWords = SseClient.open("/api/events?topics=" + area + ".%23");
             SseClient twoPatterns = SseClient.open("/api/events?topics=" + area + ".job.*,other-" + area + ".%23")) {
            post(area + ".job.running", "{}");
            post(area + ".progress", "{}");
            post("other-" + area, "{}");
            post("unrelated-" + area + ".progress", "{}");
            post(area + ".end", "{}");
            post("other-" + area + ".end", "{}");

            assertThat(oneWord.awaitEvent(area + ".end")).isNotNull();
            assertThat(anyWords.awaitEvent(area + ".end")).isNotNull();
            assertThat(twoPatterns.awaitEvent("other-" + area + ".end")).isNotNull();
            assertThat(oneWord.topics()).containsExactly(area + ".progress", area + ".end");
            assertThat(anyWords.topics()).containsExactly(area + ".job.running", area + ".progress", area + ".end");
            assertThat(twoPatterns.topics())
                    .containsExactly(area + ".job.running", "other-" + area, "other-" + area + ".end");
        }
    }

    @Test
    void registryChangesAreOnTheStream() throws Exception {
        String service = fresh("evented");
        try (SseClient stream = SseClient.open("/api/events?topics=registry.%23")) {
            assertThat(Http.postJson(port, "/api/services/" + service, "{\"port\": 9100}").statusCode()).isEqualTo(200);
            Http.delete(port, "/api/services/" + service);
            await().atMost(DEADLINE).until(() -> stream.events().stream()
                    .filter(e -> e.data().contains("\"" + service + "\"")).count() == 2);
            List<String> topics = stream.events().stream().filter(e -> e.data().contains("\"" + service + "\""))
                    .map(SseEvent::event).toList();
            assertThat(topics).containsExactly("registry.registered", "registry.deregistered");
        }
    }

    @Test
    void aClientReconnectingWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        String area = fresh("replay");
        String lastSeen;
        try (SseClient first = SseClient.open("/api/events?topics=" + area + ".%23")) {
            post(area + ".one", "{\"n\": 1}");
            lastSeen = first.awaitEvent(area + ".one").id();
        }
        post(area + ".two", "{\"n\": 2}");
        post("elsewhere-" + area, "{\"n\": 0}");
        post(area + ".three", "{\"n\": 3}");
        awaitHeld("elsewhere-" + area);
        awaitHeld(area + ".three");

        try (SseClient again = SseClient.open("/api/events?topics=" + area + ".%23", "Last-Event-ID", lastSeen)) {
            again.awaitEvent(area + ".three");
            post(area + ".four", "{\"n\": 4}");
            again.awaitEvent(area + ".four");
            assertThat(again.topics()).containsExactly(area + ".two", area + ".three", area + ".four");
            assertThat(again.lines()).doesNotContain(": some events were missed");
            List<Long> ids = again.events().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isGreaterThan(Long.parseLong(lastSeen)));
        }
        try (SseClient byQuery = SseClient.open("/api/events?topics=" + area + ".%23&last_event_id=" + lastSeen)) {
            byQuery.awaitEvent(area + ".four");
            assertThat(byQuery.topics()).containsExactly(area + ".two", area + ".three", area + ".four");
        }
    }

    @Test
    void theWindowHoldsTheLastEventsOnlyAndSaysSoOnReplay() throws Exception {
        String area = fresh("bounded");
        try (SseClient live = SseClient.open("/api/events?topics=" + area + ".%23")) {
            for (int n = 1; n <= 8; n++) {
                post(area + ".e" + n, "{\"n\": " + n + "}");
            }
            live.awaitEvent(area + ".e8");
            assertThat(live.events()).hasSize(8);
        }
        try (SseClient replay = SseClient.open("/api/events?topics=" + area + ".%23", "Last-Event-ID", "0")) {
            replay.awaitEvent(area + ".e8");
            assertThat(replay.topics()).containsExactly(area + ".e4", area + ".e5", area + ".e6", area + ".e7", area + ".e8");
            List<String> lines = replay.lines();
            assertThat(lines).contains(": some events were missed");
            assertThat(lines.indexOf(": some events were missed")).isLessThan(lines.indexOf("event: " + area + ".e4"));
        }
        try (SseClient fromElsewhere = SseClient.open("/api/events?topics=" + area + ".%23",
                "Last-Event-ID", Long.toString(Long.MAX_VALUE))) {
            fromElsewhere.awaitEvent(area + ".e8");
            assertThat(fromElsewhere.topics()).hasSize(5);
            assertThat(fromElsewhere.lines()).contains(": some events were missed");
        }
        JsonNode recent = JSON.readTree(Http.get(port, "/api/events/recent").body());
        assertThat(recent).hasSize(5);
        assertThat(recent.get(4).path("topic").asText()).isEqualTo(area + ".e8");
        assertThat(recent.get(4).path("data").path("n").asInt()).isEqualTo(8);
        assertThat(recent.get(4).path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode after = JSON.readTree(Http.get(port, "/api/events/recent?topics=" + area + ".%23&after="
                + recent.get(2).path("id").asLong()).body());
        assertThat(after.findValuesAsText("topic")).containsExactly(area + ".e7", area + ".e8");
    }

    @Test
    void aStreamStopsWhenItsClientGoes() throws Exception {
        EventWindow window = hub.node().camelContext().getRegistry()
                .lookupByNameAndType("eventWindow", EventWindow.class);
        int before = window.subscribers();
        SseClient stream = SseClient.open("/api/events");
        assertThat(window.subscribers()).isEqualTo(before + 1);
        stream.close();
        await().atMost(DEADLINE).until(() -> window.subscribers() == before);
    }

    @Test
    void patternsFollowTheBrokersWildcards() {
        assertThat(TopicPattern.parse("training.#").matches("training")).isTrue();
        assertThat(TopicPattern.parse("training.#").matches("training.job.running")).isTrue();
        assertThat(TopicPattern.parse("training.#").matches("trainings.job")).isFalse();
        assertThat(TopicPattern.parse("training.*").matches("training")).isFalse();
        assertThat(TopicPattern.parse("training.*").matches("training.progress")).isTrue();
        assertThat(TopicPattern.parse("*.job.#").matches("training.job.failed")).isTrue();
        assertThat(TopicPattern.parse("#.failed").matches("service.failed")).isTrue();
        assertThat(TopicPattern.parse("#.failed").matches("failed")).isTrue();
        assertThat(TopicPattern.parse("#").matches("a.b.c")).isTrue();
        assertThat(TopicPattern.parse("a.#.c").matches("a.c")).isTrue();
        assertThat(TopicPattern.parse("a.#.c").matches("a.b.b.c")).isTrue();
        assertThat(TopicPattern.parse("a.#.c").matches("a.b.b")).isFalse();
    }

    // --- bad input --------------------------------------------------------------------------------------------

    @Test
    void badTopicsPatternsAndBodiesAreRefused() throws Exception {
        for (String topic : List.of("demo.*", "demo.%23", "demo..x", "demo.", "Demo.x", "demo.a%20b", "%22demo%22")) {
            assertError(post(topic, "{}"), 400, "invalid topic");
        }
        assertError(post("demo.ok", "[1, 2]"), 400, "invalid body");
        assertError(post("demo.ok", "\"text\""), 400, "invalid body");
        assertError(post("demo.ok", ""), 400, "invalid body");
        assertError(post("demo.ok", "{broken"), 400, "malformed JSON");
        assertError(post("demo.ok", "{\"a\": 1} {\"b\": 2}"), 400, "malformed JSON");
        for (String topics : List.of("training.", "a,,b", "Training.%23", "a.b%2A", "%23.x%3F")) {
            assertError(Http.get(port, "/api/events?topics=" + topics), 400, "invalid topics");
            assertError(Http.get(port, "/api/events/recent?topics=" + topics), 400, "invalid topics");
        }
        assertError(Http.get(port, "/api/events", "Last-Event-ID", "yesterday"), 400, "invalid event id");
        assertError(Http.get(port, "/api/events/recent?after=x"), 400, "invalid event id");
    }

    // --- JMS subscribers --------------------------------------------------------------------------------------

    @Test
    void everyWildcardSubscriberGetsAPostedEvent() throws Exception {
        String area = fresh("demo");
        Session session = hub.session();
        try {
            Topic wildcard = session.createTopic("trinity.events." + area + ".#");
            MessageConsumer first = session.createConsumer(wildcard);
            MessageConsumer second = session.createConsumer(session.createTopic("trinity.events." + area + ".*.done"));
            assertThat(post(area + ".job.done", "{\"ok\": true}").statusCode()).isEqualTo(202);
            for (MessageConsumer consumer : List.of(first, second)) {
                TextMessage message = (TextMessage) consumer.receive(RECEIVE_MS);
                assertThat(message).isNotNull();
                assertThat(JSON.readTree(message.getText()).path("ok").asBoolean()).isTrue();
                assertThat(((Topic) message.getJMSDestination()).getTopicName())
                        .isEqualTo("trinity.events." + area + ".job.done");
                assertThat(message.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            }
        } finally {
            session.close();
        }
    }

    @Test
    void aBurstLargerThanTheEventQueueIsDeliveredWhole() throws Exception {
        String area = fresh("burst");
        int events = 3000;
        Session session = hub.session();
        try {
            MessageConsumer subscriber = session.createConsumer(session.createTopic("trinity.events." + area + ".#"));
            var publisher = hub.node().camelContext().createProducerTemplate();
            for (int i = 0; i < events; i++) {
                publisher.sendBodyAndHeader("seda:event", Map.of("n", i), "trinityTopic", area + ".tick");
            }
            for (int i = 0; i < events; i++) {
                TextMessage message = (TextMessage) subscriber.receive(RECEIVE_MS);
                assertThat(message).as("event " + i).isNotNull();
                assertThat(JSON.readTree(message.getText()).path("n").asInt()).isEqualTo(i);
            }
        } finally {
            session.close();
        }
    }

    @Test
    void eventsFromJmsPublishersReachTheStream() throws Exception {
        String area = fresh("external");
        Session session = hub.session();
        try (SseClient stream = SseClient.open("/api/events?topics=" + area + ".%23")) {
            var producer = session.createProducer(null);
            producer.send(session.createTopic("trinity.events." + area + ".json"),
                    session.createTextMessage("{\n  \"pretty\": [1, 2]\n}"));
            producer.send(session.createTopic("trinity.events." + area + ".text"), session.createTextMessage("plain words"));
            producer.send(session.createTopic("trinity.events." + area + ".quoted"), session.createTextMessage("\"a\" b"));
            assertThat(JSON.readTree(stream.awaitEvent(area + ".json").data()).path("pretty").size()).isEqualTo(2);
            assertThat(JSON.readTree(stream.awaitEvent(area + ".text").data()).asText()).isEqualTo("plain words");
            assertThat(JSON.readTree(stream.awaitEvent(area + ".quoted").data()).asText()).isEqualTo("\"a\" b");
        } finally {
            session.close();
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private static HttpResponse<String> post(String topic, String body) {
        return Http.postJson(port, "/api/events/" + topic, body);
    }

    private static void awaitHeld(String topic) {
        await().atMost(DEADLINE).until(() -> Http.get(port, "/api/events/recent").body().contains("\"topic\":\"" + topic + "\""));
    }

    private static void assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("detail").asText()).isNotBlank();
    }

    record SseEvent(String id, String event, String data) {
    }

    /** An SSE client on java.net.http: its lines are read in a background thread into frames. */
    private static final class SseClient implements AutoCloseable {
        private final HttpResponse<Stream<String>> response;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final List<SseEvent> events = new CopyOnWriteArrayList<>();

        private SseClient(HttpResponse<Stream<String>> response) {
            this.response = response;
        }

        /** Opens the stream and waits for its first comment: from then on the hub sends every new event. */
        static SseClient open(String path, String... headers) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Accept", "text/event-stream");
            if (headers.length > 0) {
                request.headers(headers);
            }
            HttpResponse<Stream<String>> response = CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                    .get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            SseClient client = new SseClient(response);
            Thread reader = new Thread(client::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
            await().atMost(DEADLINE).until(() -> !client.lines.isEmpty());
            return client;
        }

        private void read() {
            List<String> frame = new ArrayList<>();
            try {
                response.body().forEach(line -> {
                    lines.add(line);
                    if (!line.isEmpty()) {
                        frame.add(line);
                        return;
                    }
                    String id = null;
                    String event = null;
                    String data = null;
                    for (String field : frame) {
                        if (field.startsWith("id: ")) {
                            id = field.substring(4);
                        } else if (field.startsWith("event: ")) {
                            event = field.substring(7);
                        } else if (field.startsWith("data: ")) {
                            data = field.substring(6);
                        }
                    }
                    if (data != null) {
                        events.add(new SseEvent(id, event, data));
                    }
                    frame.clear();
                });
            } catch (UncheckedIOException e) {
                // the stream was closed
            }
        }

        SseEvent awaitEvent(String topic) {
            return await().atMost(DEADLINE).until(
                    () -> events.stream().filter(e -> topic.equals(e.event())).findFirst().orElse(null),
                    found -> found != null);
        }

        List<SseEvent> events() {
            return List.copyOf(events);
        }

        List<String> topics() {
            return events.stream().map(SseEvent::event).toList();
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            response.body().close();
        }
    }
}
