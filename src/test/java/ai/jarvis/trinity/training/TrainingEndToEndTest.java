package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.training.trainer.RetrievalModel;
import ai.jarvis.trinity.util.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training end to end with real processes: the hub in this JVM, a supervised reactor JVM, and real trainers (the
 * built-in one, and a Python test trainer whose job config says how to behave).
 */
class TrainingEndToEndTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    private static TrinityNode hub;

    @BeforeAll
    static void startHubWithReactor() {
        Path config = ReactorSetup.reactorOnlyConfig(temp.resolve("config"), Map.of(
                "TRAINING_TRAINER_COMMANDS", "test=/usr/bin/python3 " + ReactorSetup.testTrainer(temp)
                        + ";lookup=/usr/bin/python3 " + Path.of("examples/python/trainer.py").toAbsolutePath()));
        Map<String, String> settings = new HashMap<>();
        settings.put("TRINITY_CONFIG_DIR", config.toString());
        settings.put("TRINITY_SUPERVISOR_ENABLED", "true");
        settings.put("TRINITY_PROBE_INTERVAL", "0.5");
        settings.put("TRAINING_STAGING_POLL_INTERVAL", "0.2");
        settings.put("TRINITY_REDELIVERY_DELAY_MS", "200");
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), settings));
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aDroppedFileIsTrainedByTheBuiltInTrainerAndItsModelListedAndAnnounced() throws Exception {
        try (Events events = new Events("trinity.events.training.job.#", "trinity.events.model.#")) {
            Path staging = staging();
            Path part = staging.resolve("questions.jsonl.part");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 120; i++) {
                int topic = i % 12;
                boolean good = i % 4 != 0;
                lines.append(JSON.writeValueAsString(Map.of("input", "what is the capital of country " + topic,
                        "output", good ? "capital " + topic : "no idea", "reward", good ? 1.0 : 0.1))).append('\n');
            }
            Files.writeString(part, lines);
            Files.move(part, staging.resolve("questions.jsonl"), StandardCopyOption.ATOMIC_MOVE);

            JsonNode job = await().atMost(DEADLINE).until(() -> jobs().stream()
                    .filter(j -> "questions.jsonl".equals(j.path("dataset_name").asText())).findFirst().orElse(null),
                    found -> found != null && "completed".equals(found.path("status").asText()));
            String jobId = job.path("job_id").asText();
            assertThat(job.path("experiences").asInt()).isEqualTo(120);
            assertThat(job.path("metrics").path("heldout_accuracy").isNumber()).isTrue();
            assertThat(statuses(jobId)).containsExactly("queued", "starting", "running", "completed");
            assertThat(Files.exists(staging.resolve("questions.jsonl"))).isFalse();
            assertThat(hub.settings().getPath("training.work-dir").resolve(jobId)).doesNotExist();

            JsonNode models = JSON.readTree(Http.get(hub.httpPort(), "/api/models").body());
            JsonNode model = StreamSupport.stream(models.spliterator(), false)
                    .filter(m -> jobId.equals(m.path("job_id").asText())).findFirst().orElseThrow();
            assertThat(model.path("id").asText()).isEqualTo("retrieval");
            Path modelFile = Path.of(model.path("path").asText());
            assertThat(model.path("sha256").asText()).isEqualTo(Sha256.of(modelFile));
            assertThat(model.path("size_bytes").asLong()).isEqualTo(Files.size(modelFile));
            assertThat(RetrievalModel.load(modelFile).answer("capital of country 7?").answer()).isEqualTo("capital 7");

            events.awaitTopic("trinity.events.training.job.completed", jobId);
            events.awaitTopic("trinity.events.model.deployed", jobId);
        }
    }

    @Test
    void aTrainerThatCrashesFailsTheJobWithItsReasonAndARetryRunsOnTheKeptDataset() throws Exception {
        Path runs = temp.resolve("crash-first.runs");
        String jobId = submit(Map.of("mode", "crash-first", "runs_file", runs.toString()));
        JsonNode failed = awaitStatus(jobId, "failed");
        assertThat(failed.path("error").asText()).contains("exited with code 3").contains("simulated crash on run 1");
        assertThat(new WorkDirs(hub.settings().getPath("training.work-dir")).keptDataset(jobId)).isPresent();
        assertThat(Path.of(failed.path("dataset_path").asText())).doesNotExist();

        assertThat(Http.postJson(hub.httpPort(), "/api/training/jobs/" + jobId + "/retry", "").statusCode()).isEqualTo(202);
        JsonNode completed = awaitStatus(jobId, "completed");
        assertThat(completed.path("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(runs)).hasSize(2);
        assertThat(statuses(jobId)).containsExactly("queued", "starting", "running", "failed", "queued", "starting",
                "running", "completed");
    }

    @Test
    void thePythonExampleTrainerTrainsAJobThroughTheSameContract() throws Exception {
        ArrayNode experiences = experiences(30);
        String body = JSON.writeValueAsString(Map.of("experiences", experiences, "model_type", "lookup", "epochs", 2));
        String jobId = JSON.readTree(Http.postJson(hub.httpPort(), "/api/training/start", body).body()).path("job_id").asText();
        JsonNode completed = awaitStatus(jobId, "completed");
        assertThat(completed.path("metrics").path("entries").asInt()).isEqualTo(27);
        assertThat(completed.path("metrics").path("heldout_accuracy").asDouble()).isEqualTo(0.0);
        JsonNode model = JSON.readTree(Path.of(JSON.readTree(Http.get(hub.httpPort(), "/api/models/lookup").body())
                .path("versions").path(0).path("path").asText()).toFile());
        assertThat(model.path("answers").path("question 1").asText()).isEqualTo("answer 1");
    }

    @Test
    void aTrainerThatWritesGarbageFailsTheJob() throws Exception {
        String jobId = submit(Map.of("mode", "garbage"));
        assertThat(awaitStatus(jobId, "failed").path("error").asText()).contains("without its result line");
    }

    @Test
    void aJobOfAnUnknownModelTypeFailsWithTheTrainersItKnows() throws Exception {
        String body = JSON.writeValueAsString(Map.of("experiences", experiences(3), "model_type", "nonexistent"));
        String jobId = JSON.readTree(Http.postJson(hub.httpPort(), "/api/training/start", body).body()).path("job_id").asText();
        assertThat(awaitStatus(jobId, "failed").path("error").asText()).contains("no trainer for model_type 'nonexistent'");
    }

    @Test
    void cancellingARunningJobStopsItsTrainerAndRemovesItsWorkDir() throws Exception {
        Path runs = temp.resolve("cancel.runs");
        String jobId = submit(Map.of("gate", temp.resolve("cancel.gate").toString(), "runs_file", runs.toString()));
        awaitStatus(jobId, "running");
        await().atMost(DEADLINE).until(() -> Files.exists(runs));
        long trainerPid = Long.parseLong(Files.readAllLines(runs).get(0).split(" ")[0]);

        assertThat(Http.postJson(hub.httpPort(), "/api/training/jobs/" + jobId + "/cancel", "").statusCode()).isEqualTo(200);
        assertThat(job(jobId).path("status").asText()).isEqualTo("cancelled");
        await().atMost(DEADLINE).until(() -> ProcessHandle.of(trainerPid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(DEADLINE).until(() -> !Files.exists(hub.settings().getPath("training.work-dir").resolve(jobId)));
        assertThat(Http.postJson(hub.httpPort(), "/api/training/jobs/" + jobId + "/cancel", "").statusCode()).isEqualTo(409);
    }

    @Test
    void aReactorKilledMidJobGetsTheJobBackAfterItsRestartAndTheJobCompletesOnce() throws Exception {
        Path runs = temp.resolve("killed.runs");
        Path gate = temp.resolve("killed.gate");
        String jobId = submit(Map.of("gate", gate.toString(), "runs_file", runs.toString()));
        awaitStatus(jobId, "running");
        await().atMost(DEADLINE).until(() -> Files.exists(runs));
        long reactor = await().atMost(DEADLINE).until(TrainingEndToEndTest::reactorPid, pid -> pid > 0);

        ProcessHandle.of(reactor).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(DEADLINE).until(() -> reactorPid() != reactor && reactorPid() > 0);
        Files.writeString(gate, "open");

        JsonNode completed = awaitStatus(jobId, "completed");
        assertThat(completed.path("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(runs)).hasSize(2);
        List<String> statuses = statuses(jobId);
        assertThat(statuses).containsExactly("queued", "starting", "running", "queued", "starting", "running", "completed");
        assertThat(statuses.stream().filter("completed"::equals).count()).isEqualTo(1);
    }

    @Test
    void aBusyReactorHoldsNoJobBackFromAnIdleOne() throws Exception {
        Map<String, String> environment = new HashMap<>(TestHomes.environment(temp.resolve("home"), Map.of()));
        environment.put("TRINITY_BROKER_URL", hub.brokerUrls().get("core"));
        environment.put("TRINITY_SERVICE_NAME", "reactor-two");
        environment.put("TRAINING_TRAINER_COMMANDS", "test=/usr/bin/python3 " + temp.resolve("test_trainer.py"));
        try (ChildProcess second = ChildProcess.start(temp.resolve("reactor-two"), environment, "reactor")) {
            second.awaitUp();
            Path gate = temp.resolve("two-reactors.gate");
            String blocked = submit(Map.of("gate", gate.toString()));
            String busyReactor = awaitStatus(blocked, "running").path("reactor").asText();
            List<String> others = List.of(submit(Map.of()), submit(Map.of()), submit(Map.of()));

            for (String other : others) {
                assertThat(awaitStatus(other, "completed").path("reactor").asText()).isNotEqualTo(busyReactor);
            }
            assertThat(job(blocked).path("status").asText()).isEqualTo("running");
            Files.writeString(gate, "open");
            awaitStatus(blocked, "completed");
        }
    }

    private String submit(Map<String, Object> trainerConfig) throws IOException {
        String body = JSON.writeValueAsString(Map.of("experiences", experiences(5), "model_type", "test", "epochs", 2,
                "config", trainerConfig));
        var response = Http.postJson(hub.httpPort(), "/api/training/start", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("job_id").asText();
    }

    private static ArrayNode experiences(int count) {
        ArrayNode experiences = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            ObjectNode experience = experiences.addObject();
            experience.put("input", "question " + i);
            experience.put("output", "answer " + i);
            experience.put("reward", 1.0);
        }
        return experiences;
    }

    private static Path staging() {
        return hub.settings().getPath("training.dropbox-dir");
    }

    private static JsonNode job(String jobId) throws IOException {
        return JSON.readTree(Http.get(hub.httpPort(), "/api/training/jobs/" + jobId).body());
    }

    private static JsonNode awaitStatus(String jobId, String status) {
        return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> job(jobId),
                job -> status.equals(job.path("status").asText()));
    }

    /** The job's statuses in the order of its transitions. */
    private static List<String> statuses(String jobId) throws IOException {
        List<String> statuses = new ArrayList<>();
        for (JsonNode event : job(jobId).path("history")) {
            if ("transition".equals(event.path("kind").asText())) {
                statuses.add(event.path("status").asText());
            }
        }
        return statuses;
    }

    private static List<JsonNode> jobs() throws IOException {
        return StreamSupport.stream(JSON.readTree(Http.get(hub.httpPort(), "/api/training/jobs").body()).spliterator(), false)
                .collect(Collectors.toList());
    }

    private static long reactorPid() throws IOException {
        for (JsonNode entry : JSON.readTree(Http.get(hub.httpPort(), "/api/services?all=true").body())) {
            JsonNode supervision = entry.path("supervision");
            if ("reactor-core".equals(entry.path("service_name").asText()) && "running".equals(supervision.path("state").asText())) {
                return supervision.path("pid").asLong();
            }
        }
        return -1;
    }

    /** Messages on event-bus topics, kept as they arrive. */
    private static final class Events implements AutoCloseable {
        private final Connection connection;
        private final List<MessageConsumer> consumers = new ArrayList<>();
        private final List<String> seen = new ArrayList<>();

        Events(String... topics) throws Exception {
            connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String topic : topics) {
                consumers.add(session.createConsumer(session.createTopic(topic)));
            }
        }

        /** Waits for an event on {@code topic} whose body mentions {@code text}. */
        void awaitTopic(String topic, String text) throws Exception {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                if (seen.stream().anyMatch(event -> event.startsWith(topic + " ") && event.contains(text))) {
                    return;
                }
                for (MessageConsumer consumer : consumers) {
                    Message message = consumer.receive(50);
                    if (message != null) {
                        seen.add(((Topic) message.getJMSDestination()).getTopicName() + " " + ((TextMessage) message).getText());
                    }
                }
            }
            throw new AssertionError("no event on " + topic + " about " + text + "; seen: " + seen);
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
