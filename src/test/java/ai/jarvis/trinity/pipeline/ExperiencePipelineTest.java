package ai.jarvis.trinity.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on an in-process hub with batches of 5 and no flush during the tests (an hour) and no automatic job:
 * every test sends a multiple of 5 valid experiences, so that each leaves no open batch behind.
 */
class ExperiencePipelineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    @AutoClose
    private static HubUnderTest hub;
    private static int port;
    private static Path pending;

    @BeforeAll
    static void startHub() throws JMSException {
        hub = HubUnderTest.start(home, Map.of(
                "TRINITY_TRAINING_BATCH_SIZE", "5", "TRINITY_TRAINING_FLUSH_INTERVAL", "3600",
                "TRINITY_TRAINING_THRESHOLD", "0", "TRINITY_MAX_BODY_SIZE", "4096"));
        port = hub.port();
        pending = hub.settings().getPath("training.dropbox-dir").resolve("pipeline").resolve("pending");
    }

    @Test
    void experiencesSentOverJmsAreWrittenInBatchesOfTheBatchSizeWithTheirIdsAndFields() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> sent = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            sent.add(run + "-" + n);
            send("{\"id\": \"" + run + "-" + n + "\", \"input\": \"q" + n + "\", \"output\": \"a" + n
                    + "\", \"reward\": " + n + ", \"source\": \"chat\"}");
        }
        Map<Path, List<JsonNode>> batches = await().atMost(DEADLINE).until(() -> batchesWith(run), found ->
                found.values().stream().mapToInt(List::size).sum() == 10);
        assertThat(batches).hasSize(2);
        assertThat(batches.values()).allSatisfy(batch -> assertThat(batch).hasSize(5));
        List<JsonNode> written = batches.values().stream().flatMap(List::stream).toList();
        assertThat(written).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrderElementsOf(sent);
        JsonNode third = written.stream().filter(e -> e.path("id").asText().equals(run + "-3")).findFirst().orElseThrow();
        assertThat(third.path("input").asText()).isEqualTo("q3");
        assertThat(third.path("output").asText()).isEqualTo("a3");
        assertThat(third.path("reward").asDouble()).isEqualTo(3.0);
        assertThat(third.path("source").asText()).isEqualTo("chat");
        // written batches are done with: the aggregation repository keeps none of them
        await().atMost(DEADLINE).until(() -> stats().path("closing_batches").asInt() == 0);
    }

    @Test
    void anExperienceWithoutAnIdGetsTheIdOfItsMessageAndARedeliveredOneIsWrittenOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> messageIds = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            messageIds.add(send("{\"input\": \"" + run + "\", \"output\": \"x\", \"reward\": 1}").substring(3));
        }
        // The same experience twice, as a client that resends after a lost acknowledgement would.
        send("{\"id\": \"" + run + "-again\", \"input\": \"" + run + "\", \"output\": \"x\", \"reward\": 1}");
        send("{\"id\": \"" + run + "-again\", \"input\": \"" + run + "\", \"output\": \"x\", \"reward\": 1}");
        for (int n = 0; n < 4; n++) {
            send("{\"id\": \"" + run + "-" + n + "\", \"input\": \"" + run + "\", \"output\": \"x\", \"reward\": 1}");
        }
        List<JsonNode> written = await().atMost(DEADLINE).until(() -> writtenWithInput(run), found -> found.size() >= 9);
        List<String> ids = written.stream().map(e -> e.path("id").asText()).toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(Stream.concat(messageIds.stream(),
                Stream.of(run + "-again", run + "-0", run + "-1", run + "-2", run + "-3")).toList());
    }

    @Test
    void invalidMessagesAreDeadLetteredWithTheReasonAndTheValidOnesAroundThemAreStillBatched() throws Exception {
        String run = UUID.randomUUID().toString();
        long deadBefore = stats().path("dead_letters").asLong();
        send(valid(run, 0));
        send("this is not JSON " + run);
        send(valid(run, 1));
        send("{\"output\": \"no input\", \"reward\": 1, \"run\": \"" + run + "\"}");
        send(valid(run, 2));
        send("{\"input\": \"q\", \"output\": \"a\", \"reward\": \"high\", \"run\": \"" + run + "\"}");
        send(valid(run, 3));
        send(valid(run, 4));

        List<JsonNode> written = await().atMost(DEADLINE).until(() -> writtenWithInput(run), found -> found.size() == 5);
        assertThat(written).extracting(e -> e.path("id").asText())
                .containsExactlyInAnyOrder(run + "-0", run + "-1", run + "-2", run + "-3", run + "-4");
        await().atMost(DEADLINE).until(() -> stats().path("dead_letters").asLong() >= deadBefore + 3);

        Map<String, String> reasons = new HashMap<>();
        Session session = hub.session();
        try (MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ::DLQ.trinity.experiences"))) {
            for (Message dead = dlq.receive(5000); dead != null; dead = dlq.receive(1000)) {
                String body = ((TextMessage) dead).getText();
                if (body.contains(run)) {
                    assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("trinity.experiences");
                    reasons.put(body, dead.getStringProperty("trinity_failure_reason"));
                }
            }
        } finally {
            session.close();
        }
        assertThat(reasons).hasSize(3);
        assertThat(reasons.get("this is not JSON " + run)).startsWith("not JSON");
        assertThat(reasons).anySatisfy((body, reason) -> assertThat(reason).isEqualTo("experience: missing 'input'"));
        assertThat(reasons).anySatisfy((body, reason) -> assertThat(reason).isEqualTo("experience: 'reward' must be a number"));
    }

    @Test
    void postedExperiencesAreAcceptedWithTheirIdsAndBatched() throws Exception {
        String run = UUID.randomUUID().toString();
        HttpResponse<String> one = Http.postJson(port, "/api/experiences", valid(run, 0));
        assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
        assertThat(JSON.readTree(one.body()).path("accepted").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(one.body()).path("ids").get(0).asText()).isEqualTo(run + "-0");

        HttpResponse<String> array = Http.postJson(port, "/api/experiences", "[" + valid(run, 1) + ", "
                + "{\"input\": \"" + run + "\", \"output\": \"without id\", \"reward\": 0.5}]");
        assertThat(array.statusCode()).as(array.body()).isEqualTo(202);
        JsonNode arrayAnswer = JSON.readTree(array.body());
        assertThat(arrayAnswer.path("accepted").asInt()).isEqualTo(2);
        String given = arrayAnswer.path("ids").get(1).asText();
        assertThat(UUID.fromString(given)).isNotNull();

        String wrapped = "{\"experiences\": [" + valid(run, 3) + ", " + valid(run, 4) + "]}";
        HttpResponse<String> first = Http.send("POST", port, "/api/experiences", wrapped,
                "Content-Type", "application/json", "Idempotency-Key", "key-" + run);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> again = Http.send("POST", port, "/api/experiences", wrapped,
                "Content-Type", "application/json", "Idempotency-Key", "key-" + run);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("duplicate").asBoolean()).isTrue();
        assertThat(JSON.readTree(again.body()).path("accepted").asInt()).isZero();

        List<JsonNode> written = await().atMost(DEADLINE).until(() -> writtenWithInput(run), found -> found.size() == 5);
        assertThat(written).extracting(e -> e.path("id").asText())
                .containsExactlyInAnyOrder(run + "-0", run + "-1", given, run + "-3", run + "-4");
    }

    @Test
    void invalidPostsAreRefusedSayingWhichExperienceAndWhyAndNothingIsSent() throws Exception {
        String run = UUID.randomUUID().toString();
        long queuedBefore = stats().path("queued").asLong() + stats().path("open_batch").asLong();
        assertError(Http.postJson(port, "/api/experiences", "[" + valid(run, 0) + ", {\"input\": \"q\", \"output\": \"a\", "
                + "\"reward\": \"high\"}]"), 400, "invalid experience", "experience 2: 'reward' must be a number");
        assertError(Http.postJson(port, "/api/experiences", "[" + valid(run, 0) + ", " + valid(run, 0) + "]"),
                400, "invalid experience", "experience 2: id '" + run + "-0' is the id of experience 1 too");
        assertError(Http.postJson(port, "/api/experiences", "{\"output\": \"a\", \"reward\": 1}"),
                400, "invalid experience", "experience 1: missing 'input'");
        assertError(Http.postJson(port, "/api/experiences", "[1, 2]"), 400, "invalid experience",
                "experience 1: an experience is a JSON object, found a number");
        assertError(Http.postJson(port, "/api/experiences", "[]"), 400, "empty experience list", null);
        assertError(Http.postJson(port, "/api/experiences", "{not json"), 400, "malformed JSON", null);
        assertError(Http.postJson(port, "/api/experiences", "{\"experiences\": 3}"), 400, "invalid body", null);
        String large = "[" + String.join(",", java.util.Collections.nCopies(60, valid(run, 0))) + "]";
        assertError(Http.postJson(port, "/api/experiences", large), 413, "request body too large", null);
        assertThat(stats().path("queued").asLong() + stats().path("open_batch").asLong()).isEqualTo(queuedBefore);
        assertThat(writtenWithInput(run)).isEmpty();
    }

    @Test
    void statsTellTheSettingsAndWhatIsPending() throws Exception {
        JsonNode stats = stats();
        assertThat(stats.path("address").asText()).isEqualTo("trinity.experiences");
        assertThat(stats.path("batch_size").asInt()).isEqualTo(5);
        assertThat(stats.path("flush_interval_s").asDouble()).isEqualTo(3600.0);
        assertThat(stats.path("threshold").asLong()).isZero();
        assertThat(stats.path("pending_experiences").asLong()).isEqualTo(allWritten().size());
        assertThat(stats.path("last_job").isNull()).isTrue();
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private static String valid(String run, int n) {
        return "{\"id\": \"" + run + "-" + n + "\", \"input\": \"" + run + "\", \"output\": \"a\", \"reward\": 1}";
    }

    /** Sends a persistent text message to trinity.experiences; answers its JMSMessageID. */
    private static String send(String text) throws JMSException {
        Session session = hub.session();
        try {
            MessageProducer producer = session.createProducer(session.createQueue("trinity.experiences"));
            TextMessage message = session.createTextMessage(text);
            producer.send(message);
            return message.getJMSMessageID();
        } finally {
            session.close();
        }
    }

    private static JsonNode stats() throws IOException {
        HttpResponse<String> response = Http.get(port, "/api/experiences/stats");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String error, String detail)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        if (detail != null) {
            assertThat(body.path("detail").asText()).isEqualTo(detail);
        }
    }

    /** The pending batch files holding experiences of this run (id or input starting with it), by file. */
    private static Map<Path, List<JsonNode>> batchesWith(String run) {
        Map<Path, List<JsonNode>> batches = new HashMap<>();
        for (Path file : batchFiles()) {
            List<JsonNode> lines = lines(file).stream().filter(e -> e.path("id").asText().startsWith(run)).toList();
            if (!lines.isEmpty()) {
                batches.put(file, lines);
            }
        }
        return batches;
    }

    private static List<JsonNode> writtenWithInput(String run) {
        return allWritten().stream().filter(e -> e.path("input").asText().equals(run)).toList();
    }

    private static List<JsonNode> allWritten() {
        return batchFiles().stream().flatMap(file -> lines(file).stream()).toList();
    }

    private static List<Path> batchFiles() {
        try (Stream<Path> files = Files.list(pending)) {
            return files.filter(file -> file.toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> lines(Path file) {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                lines.add(JSON.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
