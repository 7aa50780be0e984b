package ai.jarvis.trinity.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ModelRecord;
import ai.jarvis.trinity.training.trainer.RetrievalModel;
import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A hub in this JVM and a real J-Prime process: models deployed on the hub are verified, loaded and served. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelServingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_ID = "assistant";

    @TempDir
    static Path temp;
    @AutoClose
    private static HubUnderTest hub;
    private static ChildProcess prime;
    private static int primePort;

    @BeforeAll
    static void startHubAndPrime() throws JMSException {
        hub = HubUnderTest.start(temp.resolve("home"));
        Map<String, String> environment = hub.environmentFor(temp.resolve("home"), Map.of(
                "TRINITY_MODEL_SYNC_INTERVAL", "0.5", "TRINITY_MAX_PROMPT_LENGTH", "100"));
        prime = ChildProcess.start(temp.resolve("prime"), environment, "prime");
        primePort = prime.awaitUp();
    }

    @AfterAll
    static void stopPrime() {
        if (prime != null) {
            prime.close();
        }
    }

    @Test
    @Order(1)
    void withoutADeployedModelGenerateIsUnavailable() throws IOException {
        HttpResponse<String> response = generate("hello there");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("no model");
        assertThat(Http.get(primePort, "/api/model").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theDeployedModelIsFoundBySyncAndAnswersWithWhatItLearned() throws IOException {
        record(model(1, "hi from version one"));

        JsonNode answer = awaitAnswer("hi from version one");
        assertThat(answer.path("model_id").asText()).isEqualTo(MODEL_ID);
        assertThat(answer.path("version").asInt()).isEqualTo(1);
        assertThat(answer.path("similarity").asDouble()).isEqualTo(1.0);
        assertThat(answer.has("latency_ms")).isTrue();
        JsonNode served = JSON.readTree(Http.get(primePort, "/api/model").body());
        assertThat(served.path("id").asText()).isEqualTo(MODEL_ID);
        assertThat(served.path("version").asInt()).isEqualTo(1);
        JsonNode health = JSON.readTree(Http.get(primePort, "/api/health").body());
        assertThat(health.path("model").path("version").asInt()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aNewVersionIsServedNextWithoutFailingRequestsInFlight() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> streams = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                streams.add(clients.submit(requests(50)));
            }
            deploy(record(model(2, "hi from version two")));

            for (Future<List<Integer>> stream : streams) {
                assertThat(stream.get()).containsOnly(200).hasSize(50);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(awaitAnswer("hi from version two").path("version").asInt()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void aModelFailingItsChecksumOrOfAnotherTypeIsRejectedAndTheOldOneKeepsServing() throws Exception {
        try (Session session = hub.session()) {
            MessageConsumer rejections = session.createConsumer(session.createTopic("trinity.events.model.rejected"));
            ModelRecord corrupt = model(3, "hi from a corrupt version");
            Files.writeString(Path.of(corrupt.path), "{\"format\": \"trinity-retrieval/1\", \"entries\": [   ]}");
            corrupt.sizeBytes = Files.size(Path.of(corrupt.path));
            deploy(record(corrupt));

            TextMessage rejected = (TextMessage) rejections.receive(DEADLINE.toMillis());
            assertThat(rejected).isNotNull();
            JsonNode event = JSON.readTree(rejected.getText());
            assertThat(event.path("version").asInt()).isEqualTo(3);
            assertThat(event.path("reason").asText()).contains("sha256");
            assertThat(event.path("serving").path("version").asInt()).isEqualTo(2);

            ModelRecord otherType = model(4, "hi from another model type");
            otherType.modelType = "sequence";
            deploy(record(otherType));
            rejected = (TextMessage) rejections.receive(DEADLINE.toMillis());
            assertThat(rejected).isNotNull();
            assertThat(JSON.readTree(rejected.getText()).path("reason").asText()).contains("model_type 'sequence'");
        }
        JsonNode answer = JSON.readTree(generate("hello there").body());
        assertThat(answer.path("answer").asText()).isEqualTo("hi from version two");
        assertThat(JSON.readTree(Http.get(primePort, "/api/model").body()).path("version").asInt()).isEqualTo(2);
    }

    @Test
    @Order(5)
    void badPromptsAreRefused() throws IOException {
        Map<String, String> refusals = Map.of(
                "{\"prompt\": \"   \"}", "empty prompt",
                "{\"prompt\": \"" + "x".repeat(101) + "\"}", "prompt too long",
                "{\"prompt\": ", "malformed JSON",
                "[\"hello there\"]", "invalid body",
                "{\"prompt\": \"hello there\", \"temperature\": 1}", "unknown field",
                "{\"prompt\": 42}", "invalid prompt");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> response = Http.postJson(primePort, "/api/generate", refusal.getKey());
            assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(refusal.getKey())
                    .isEqualTo(refusal.getValue());
        }
        assertThat(generate("x".repeat(100)).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> generate(String prompt) throws IOException {
        return Http.postJson(primePort, "/api/generate", JSON.writeValueAsString(Map.of("prompt", prompt)));
    }

    private static JsonNode awaitAnswer(String expected) {
        return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> JSON.readTree(generate("hello there").body()),
                        answer -> expected.equals(answer.path("answer").asText()));
    }

    private static Callable<List<Integer>> requests(int count) {
        return () -> {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                statuses.add(generate("hello there").statusCode());
            }
            return statuses;
        };
    }

    /** A retrieval model file in the hub's models dir and the record a reactor would report for it. */
    private static ModelRecord model(int version, String greeting) throws IOException {
        RetrievalModel model = new RetrievalModel();
        model.add("hello there", greeting, 1.0);
        model.add("what time is it", "time to train", 1.0);
        Path file = hub.settings().getPath("trinity.models-dir").resolve("v" + version).resolve("model.json");
        Files.createDirectories(file.getParent());
        model.save(file, JSON.createObjectNode().put("entries", 2));
        ModelRecord record = new ModelRecord();
        record.id = MODEL_ID;
        record.modelType = RetrievalModel.MODEL_TYPE;
        record.path = file.toString();
        record.sizeBytes = Files.size(file);
        record.sha256 = Sha256.of(file);
        return record;
    }

    /** Records the model as deployed, through a job that completes with it (as the hub does when a reactor reports). */
    private static ModelRecord record(ModelRecord model) {
        JobStore store = hub.node().camelContext().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        Job job = new Job();
        job.jobId = UUID.randomUUID().toString();
        job.modelType = model.modelType;
        job.epochs = 1;
        job.config = JSON.createObjectNode();
        job.source = "experiences";
        job.datasetPath = temp.resolve("dataset.jsonl").toString();
        store.create(job);
        store.transition(job.jobId, Job.QUEUED, Job.STARTING, "test", Map.of("run_id", "run-" + job.jobId));
        store.transition(job.jobId, Job.STARTING, Job.RUNNING, "test", Map.of());
        model.jobId = job.jobId;
        model.deployedAt = store.now();
        return store.complete(job.jobId, "trained", Map.of(), model).orElseThrow();
    }

    private static void deploy(ModelRecord model) {
        hub.node().camelContext().createProducerTemplate()
                .sendBodyAndHeader("seda:event", model, "trinityTopic", "model.deployed");
    }
}
