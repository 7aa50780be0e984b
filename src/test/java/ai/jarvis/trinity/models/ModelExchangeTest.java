package ai.jarvis.trinity.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.HubUnderTest;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.trainer.RetrievalModel;
import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub in this JVM and a real J-Prime process: models that jobs complete with go out on trinity.models (the broker
 * keeps the last record per model id), deploy and rollback switch J-Prime's model, and feedback (J-Prime's usage
 * reports, users' ratings) is recorded per model version; bad feedback is refused or dead-lettered with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelExchangeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LATEST_MODELS = "trinity.models::trinity.models.latest";

    @TempDir
    static Path temp;
    @AutoClose
    private static HubUnderTest hub;
    private static ChildProcess prime;
    private static int primePort;

    @BeforeAll
    static void startHubAndPrime() throws JMSException {
        hub = HubUnderTest.start(temp.resolve("home"));
        // J-Prime asks for the deployed model once at start: every later switch comes from an event.
        Map<String, String> environment = hub.environmentFor(temp.resolve("home"), Map.of(
                "TRINITY_MODEL_SYNC_INTERVAL", "600", "TRINITY_FEEDBACK_INTERVAL", "0.5"));
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
    void aLateSubscriberGetsTheLatestRecordOfEveryModelIdAtOnce() throws Exception {
        assertThat(latestRecords()).isEmpty();
        for (int version = 1; version <= 3; version++) {
            assertThat(train("assistant", "hi from assistant " + version)).isEqualTo(version);
            assertThat(train("ranker", "hi from ranker " + version)).isEqualTo(version);
        }

        for (int subscriber = 0; subscriber < 2; subscriber++) {
            Session session = hub.session();
            try {
                MessageConsumer latest = session.createConsumer(session.createQueue(LATEST_MODELS));
                Map<String, JsonNode> byId = new HashMap<>();
                for (int i = 0; i < 2; i++) {
                    TextMessage record = (TextMessage) latest.receive(DEADLINE.toMillis());
                    assertThat(record).as("record %d of subscriber %d", i, subscriber).isNotNull();
                    JsonNode model = JSON.readTree(record.getText());
                    assertThat(record.getStringProperty("model_id")).isEqualTo(model.path("id").asText());
                    byId.put(model.path("id").asText(), model);
                }
                assertThat(latest.receive(1000)).as("only one record per model id").isNull();
                assertThat(byId).containsOnlyKeys("assistant", "ranker");
                for (JsonNode model : byId.values()) {
                    assertThat(model.path("version").asInt()).isEqualTo(3);
                    assertThat(model.path("deployed").asBoolean()).isTrue();
                    assertThat(model.path("deployed_version").asInt()).isEqualTo(3);
                    assertThat(model.path("model_type").asText()).isEqualTo(RetrievalModel.MODEL_TYPE);
                    assertThat(model.path("capabilities")).containsExactly(JSON.getNodeFactory().textNode("generate"));
                    assertThat(model.path("sha256").asText()).hasSize(64);
                    assertThat(model.path("metrics").path("entries").asInt()).isEqualTo(2);
                    assertThat(model.hasNonNull("job_id")).isTrue();
                }
            } finally {
                session.close();
            }
        }
        // The model deployed last is what J-Prime serves.
        await().atMost(DEADLINE).until(() -> servedModel().path("version").asInt() == 3
                && "ranker".equals(servedModel().path("id").asText()));
    }

    @Test
    @Order(2)
    void deployAndRollbackSwitchJPrimeAndAreRecorded() throws Exception {
        Session session = hub.session();
        try {
            MessageConsumer deployedEvents = session.createConsumer(session.createTopic("trinity.events.model.deployed"));
            MessageConsumer rolledBackEvents = session.createConsumer(session.createTopic("trinity.events.model.rolled_back"));

            HttpResponse<String> deployed = Http.send("POST", hub.port(), "/api/models/assistant/deploy", null);
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
            assertThat(JSON.readTree(deployed.body()).path("version").asInt()).isEqualTo(3);
            assertThat(JSON.readTree(deployed.body()).path("deployed").asBoolean()).isTrue();
            JsonNode deployedEvent = event(deployedEvents);
            assertThat(deployedEvent.path("id").asText()).isEqualTo("assistant");
            assertThat(deployedEvent.path("version").asInt()).isEqualTo(3);
            awaitServed("assistant", 3, "hi from assistant 3");

            JsonNode rollback = JSON.readTree(post("/api/models/assistant/rollback", "", 200));
            assertThat(rollback.path("version").asInt()).isEqualTo(2);
            assertThat(rollback.path("from_version").asInt()).isEqualTo(3);
            assertThat(rollback.path("to_version").asInt()).isEqualTo(2);
            JsonNode rolledBack = event(rolledBackEvents);
            assertThat(rolledBack.path("id").asText()).isEqualTo("assistant");
            assertThat(rolledBack.path("from_version").asInt()).isEqualTo(3);
            assertThat(rolledBack.path("to_version").asInt()).isEqualTo(2);
            awaitServed("assistant", 2, "hi from assistant 2");

            assertThat(JSON.readTree(post("/api/models/assistant/rollback", "{}", 200)).path("version").asInt()).isEqualTo(1);
            awaitServed("assistant", 1, "hi from assistant 1");
            assertThat(error(post("/api/models/assistant/rollback", "", 409))).isEqualTo("nothing to roll back to");

            JsonNode assistant = JSON.readTree(Http.get(hub.port(), "/api/models/assistant").body());
            assertThat(assistant.path("deployed_version").asInt()).isEqualTo(1);
            assertThat(assistant.path("latest_version").asInt()).isEqualTo(3);
            List<String> history = new ArrayList<>();
            assistant.path("deployments").forEach(d -> history.add(d.path("action").asText() + ":" + d.path("version").asInt()));
            assertThat(history).containsExactly("rollback:1", "rollback:2", "deploy:3", "deploy:3", "deploy:2", "deploy:1");
            assertThat(assistant.path("versions").get(2).path("deployed").asBoolean()).isTrue();
            assertThat(assistant.path("versions").get(0).path("deployed").asBoolean()).isFalse();

            JsonNode deployedModel = JSON.readTree(Http.postJson(hub.port(),
                    "/api/query/jarvis-body/get_deployed_model", "").body()).path("result");
            assertThat(deployedModel.path("id").asText() + ":" + deployedModel.path("version").asInt()).isEqualTo("assistant:1");
        } finally {
            session.close();
        }
        JsonNode latestAssistant = latestRecords().get("assistant");
        assertThat(latestAssistant.path("version").asInt()).isEqualTo(3);
        assertThat(latestAssistant.path("deployed_version").asInt()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void deployAndRollbackRefuseWhatDoesNotExistOrCannotBe() throws IOException {
        assertThat(error(post("/api/models/nobody/deploy", "", 404))).isEqualTo("unknown model");
        assertThat(error(post("/api/models/assistant/deploy", "{\"version\": 9}", 404))).isEqualTo("unknown version");
        assertThat(error(post("/api/models/nobody/rollback", "", 404))).isEqualTo("unknown model");
        assertThat(error(post("/api/models/assistant/rollback", "{\"version\": 9}", 404))).isEqualTo("unknown version");
        assertThat(error(post("/api/models/assistant/rollback", "{\"version\": 1}", 409))).isEqualTo("not an earlier version");
        assertThat(error(post("/api/models/assistant/deploy", "{\"version\": 0}", 400))).isEqualTo("invalid version");
        assertThat(error(post("/api/models/assistant/deploy", "{\"versoin\": 2}", 400))).isEqualTo("unknown field");
        assertThat(error(post("/api/models/assistant/deploy", "{\"version\": ", 400))).isEqualTo("malformed JSON");

        assertThat(JSON.readTree(post("/api/models/ranker/rollback", "{\"version\": 1}", 200)).path("version").asInt())
                .isEqualTo(1);
        awaitServed("ranker", 1, "hi from ranker 1");
    }

    @Test
    @Order(4)
    void jPrimeReportsItsUsageWhichTheModelShowsPerVersion() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertThat(generate("hello there").statusCode()).isEqualTo(200);
        }
        // 20 and the one request with which the rollback to this version was checked.
        JsonNode usage = await().atMost(DEADLINE).until(() -> version("ranker", 1).path("usage"),
                u -> u.path("requests").asLong() >= 21);
        assertThat(usage.path("requests").asLong()).isEqualTo(21);
        assertThat(usage.path("errors").asLong()).isZero();
        assertThat(usage.path("reports").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(usage.path("latency_ms").path("p50").asDouble()).isPositive();
        assertThat(usage.path("latency_ms").path("p99").asDouble())
                .isGreaterThanOrEqualTo(usage.path("latency_ms").path("p50").asDouble());
        assertThat(usage.hasNonNull("last_reported_at")).isTrue();
        assertThat(version("ranker", 2).path("usage").path("requests").asLong()).isZero();
    }

    @Test
    @Order(5)
    void ratingsAreCheckedSentAndRecordedPerVersion() throws IOException {
        JsonNode accepted = JSON.readTree(post("/api/feedback",
                "{\"model_id\": \"assistant\", \"version\": 2, \"rating\": 4, \"comment\": \"good\", \"prompt\": \"hello\"}", 202));
        assertThat(accepted.path("kind").asText()).isEqualTo("rating");
        assertThat(accepted.path("feedback_id").asText()).isNotBlank();
        assertThat(JSON.readTree(post("/api/feedback", "{\"model_id\": \"assistant\", \"rating\": 2}", 202))
                .path("version").asInt()).as("the deployed version").isEqualTo(1);
        post("/api/feedback", "{\"model_id\": \"assistant\", \"rating\": 5}", 202);

        Map<String, String> refused = Map.of(
                "{\"model_id\": \"assistant\", \"rating\": 0}", "invalid feedback",
                "{\"model_id\": \"assistant\", \"rating\": 6}", "invalid feedback",
                "{\"model_id\": \"assistant\", \"rating\": \"5\"}", "invalid feedback",
                "{\"model_id\": \"assistant\", \"rating\": 4.5}", "invalid feedback",
                "{\"rating\": 4}", "invalid feedback",
                "{\"model_id\": \"assistant\", \"rating\": 4, \"stars\": 4}", "invalid feedback",
                "{\"model_id\": \"assistant\", \"rating\": 4, \"comment\": \"" + "x".repeat(2001) + "\"}", "invalid feedback",
                "[4]", "invalid feedback",
                "{\"model_id\": ", "malformed JSON");
        for (Map.Entry<String, String> body : refused.entrySet()) {
            assertThat(error(post("/api/feedback", body.getKey(), 400))).as(body.getKey()).isEqualTo(body.getValue());
        }
        assertThat(error(post("/api/feedback", "{\"model_id\": \"nobody\", \"rating\": 4}", 404))).isEqualTo("unknown model");
        assertThat(error(post("/api/feedback", "{\"model_id\": \"assistant\", \"version\": 7, \"rating\": 4}", 404)))
                .isEqualTo("unknown version");

        JsonNode ratings = await().atMost(DEADLINE).until(() -> version("assistant", 1).path("ratings"),
                r -> r.path("count").asLong() == 2);
        assertThat(ratings.path("average").asDouble()).isEqualTo(3.5);
        assertThat(version("assistant", 2).path("ratings").path("count").asLong()).isEqualTo(1);
        assertThat(version("assistant", 2).path("ratings").path("average").asDouble()).isEqualTo(4.0);
        assertThat(version("assistant", 3).path("ratings").path("count").asLong()).isZero();
    }

    @Test
    @Order(6)
    void feedbackThatCanNeverBeRecordedIsDeadLetteredWithTheReasonAndARedeliveryCountsOnce() throws Exception {
        send("this is not JSON");
        send("{\"kind\": \"usage\", \"model_id\": \"nobody\", \"version\": 1, \"requests\": 3, \"errors\": 0}");
        send("{\"kind\": \"rating\", \"model_id\": \"assistant\", \"rating\": 9}");
        send("{\"kind\": \"usage\", \"model_id\": \"assistant\", \"version\": 3, \"requests\": 1, \"errors\": 2}");
        String report = "{\"kind\": \"usage\", \"feedback_id\": \"%s\", \"model_id\": \"ranker\", \"version\": 2, "
                + "\"requests\": %d, \"errors\": 1, \"latency_ms\": {\"p50\": 1.5, \"p95\": 2.5, \"p99\": 3.5, \"max\": 4.0}}";
        send(String.format(report, "report-7", 7));
        send(String.format(report, "report-7", 7));
        send(String.format(report, "report-8", 3));

        // One consumer takes the messages in order: once the last one is recorded, the others were handled.
        JsonNode recorded = await().atMost(DEADLINE).until(() -> version("ranker", 2).path("usage"),
                u -> u.path("requests").asLong() >= 10);
        assertThat(recorded.path("requests").asLong()).as("report-7 counted once").isEqualTo(10);
        assertThat(recorded.path("reports").asLong()).isEqualTo(2);
        assertThat(recorded.path("errors").asLong()).isEqualTo(2);
        assertThat(recorded.path("latency_ms").path("p95").asDouble()).isEqualTo(2.5);

        List<String> reasons = deadLetterReasons();
        assertThat(reasons).hasSize(4)
                .anySatisfy(r -> assertThat(r).startsWith("malformed JSON"))
                .anySatisfy(r -> assertThat(r).isEqualTo("unknown model 'nobody'"))
                .anySatisfy(r -> assertThat(r).contains("'rating' must be a whole number from 1 to 5"))
                .anySatisfy(r -> assertThat(r).contains("'errors' (2) cannot exceed 'requests' (1)"));
    }

    /**
     * A job for {@code modelId} that a reactor completes (its status sent on trinity.status, as a reactor does) with a
     * retrieval model answering "hello there" with {@code greeting}; the model's version.
     */
    private static int train(String modelId, String greeting) throws Exception {
        JobStore store = hub.node().camelContext().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        Job job = new Job();
        job.jobId = "job-" + UUID.randomUUID();
        job.modelType = RetrievalModel.MODEL_TYPE;
        job.epochs = 1;
        job.config = JSON.createObjectNode().put("model_id", modelId);
        job.source = "experiences";
        job.datasetPath = temp.resolve("dataset.jsonl").toString();
        store.create(job);
        String runId = "run-" + job.jobId;
        store.transition(job.jobId, Job.QUEUED, Job.STARTING, "test", Map.of("run_id", runId));
        store.transition(job.jobId, Job.STARTING, Job.RUNNING, "test", Map.of());

        RetrievalModel model = new RetrievalModel();
        model.add("hello there", greeting, 1.0);
        model.add("what time is it", "time to train", 1.0);
        Path file = hub.settings().getPath("trinity.models-dir").resolve(job.jobId).resolve("model.json");
        Files.createDirectories(file.getParent());
        model.save(file, JSON.createObjectNode().put("entries", 2));
        ObjectNode status = JSON.createObjectNode().put("job_id", job.jobId).put("run_id", runId).put("reactor", "test")
                .put("status", Job.COMPLETED);
        ObjectNode artifact = status.putObject("model").put("path", file.toString()).put("size_bytes", Files.size(file))
                .put("sha256", Sha256.of(file));
        artifact.putArray("capabilities").add("generate");
        status.putObject("metrics").put("entries", 2);
        Session session = hub.session();
        try {
            session.createProducer(session.createTopic("trinity.status")).send(session.createTextMessage(status.toString()));
        } finally {
            session.close();
        }
        return await().atMost(DEADLINE).until(() -> store.get(job.jobId), j -> Job.COMPLETED.equals(j.status)).modelVersion;
    }

    private static Map<String, JsonNode> latestRecords() throws Exception {
        Session session = hub.session();
        try {
            QueueBrowser browser = session.createBrowser(session.createQueue(LATEST_MODELS));
            Map<String, JsonNode> byId = new HashMap<>();
            for (Object message : Collections.list(browser.getEnumeration())) {
                JsonNode model = JSON.readTree(((TextMessage) message).getText());
                byId.put(model.path("id").asText(), model);
            }
            return byId;
        } finally {
            session.close();
        }
    }

    private static void send(String feedback) throws JMSException {
        Session session = hub.session();
        try {
            MessageProducer producer = session.createProducer(session.createQueue("trinity.feedback"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(feedback));
        } finally {
            session.close();
        }
    }

    private static List<String> deadLetterReasons() throws JMSException {
        Session session = hub.session();
        try {
            QueueBrowser browser = session.createBrowser(session.createQueue("DLQ::DLQ.trinity.feedback"));
            List<String> reasons = new ArrayList<>();
            for (Object message : Collections.list(browser.getEnumeration())) {
                reasons.add(((Message) message).getStringProperty("trinity_failure_reason"));
            }
            return reasons;
        } finally {
            session.close();
        }
    }

    private static JsonNode event(MessageConsumer events) throws Exception {
        TextMessage event = (TextMessage) events.receive(DEADLINE.toMillis());
        assertThat(event).isNotNull();
        return JSON.readTree(event.getText());
    }

    private static JsonNode version(String modelId, int version) throws IOException {
        for (JsonNode entry : JSON.readTree(Http.get(hub.port(), "/api/models/" + modelId).body()).path("versions")) {
            if (entry.path("version").asInt() == version) {
                return entry;
            }
        }
        throw new AssertionError("no version " + version + " of " + modelId);
    }

    private static void awaitServed(String modelId, int version, String answer) throws IOException {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> servedModel().path("id").asText()
                .equals(modelId) && servedModel().path("version").asInt() == version);
        assertThat(JSON.readTree(generate("hello there").body()).path("answer").asText()).isEqualTo(answer);
    }

    private static JsonNode servedModel() throws IOException {
        return JSON.readTree(Http.get(primePort, "/api/model").body());
    }

    private static HttpResponse<String> generate(String prompt) throws IOException {
        return Http.postJson(primePort, "/api/generate", JSON.writeValueAsString(Map.of("prompt", prompt)));
    }

    private static String post(String path, String body, int expectedStatus) {
        HttpResponse<String> response = Http.postJson(hub.port(), path, body);
        assertThat(response.statusCode()).as(path + " " + body + ": " + response.body()).isEqualTo(expectedStatus);
        return response.body();
    }

    private static String error(String body) throws IOException {
        return JSON.readTree(body).path("error").asText();
    }
}
