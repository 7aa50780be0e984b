package ai.jarvis.trinity.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches closed by time (a flush interval of one second, batches of 1000) and a job started by the pipeline itself
 * once 7 experiences are pending. No reactor runs: the job stays queued with its dataset in the drop-box.
 */
class PipelineTrainingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    private static TrinityNode hub;
    private static int port;
    private static Path pipeline;

    @BeforeAll
    static void startHub() {
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(home, Map.of(
                "TRINITY_TRAINING_BATCH_SIZE", "1000", "TRINITY_TRAINING_FLUSH_INTERVAL", "1",
                "TRINITY_TRAINING_THRESHOLD", "7")));
        port = hub.httpPort();
        pipeline = hub.settings().getPath("training.dropbox-dir").resolve("pipeline");
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aPartialBatchIsFlushedByTimeAndTheThresholdStartsAJobFromThePendingBatches() throws Exception {
        post(List.of("e1", "e2", "e3"));
        await().atMost(DEADLINE).until(() -> pendingIds().size() == 3);
        assertThat(pendingIds()).containsExactlyInAnyOrder("e1", "e2", "e3");
        JsonNode stats = stats();
        assertThat(stats.path("pending_experiences").asLong()).isEqualTo(3);
        // The 1 s interval may close a batch between two messages of one POST: count the files, not a fixed number.
        assertThat(stats.path("pending_batches").asInt()).isEqualTo(files(pipeline.resolve("pending")).size());
        assertThat(stats.path("open_batch").asInt()).isZero();
        assertThat(jobs()).isEmpty();

        post(List.of("e4", "e5", "e6", "e7"));
        List<JsonNode> jobs = await().atMost(DEADLINE).until(PipelineTrainingTest::jobs, found -> !found.isEmpty());
        assertThat(jobs).hasSize(1);
        JsonNode job = jobs.get(0);
        assertThat(job.path("source").asText()).isEqualTo("pipeline");
        assertThat(job.path("status").asText()).isEqualTo("queued");
        assertThat(job.path("experiences").asLong()).isEqualTo(7);
        assertThat(job.path("model_type").asText()).isEqualTo(hub.settings().get("training.default-model-type"));
        List<String> trained = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(job.path("dataset_path").asText()))) {
            trained.add(JSON.readTree(line).path("id").asText());
        }
        assertThat(trained).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5", "e6", "e7");

        String jobId = job.path("job_id").asText();
        await().atMost(DEADLINE).until(() -> stats().path("last_job").path("job_id").asText().equals(jobId));
        JsonNode after = stats();
        assertThat(after.path("pending_experiences").asLong()).isZero();
        assertThat(after.path("last_job").path("experiences").asLong()).isEqualTo(7);
        assertThat(after.path("last_job").path("batches").asInt()).isBetween(2, 7);
        assertThat(after.path("last_job").path("status").asText()).isEqualTo("queued");
        assertThat(pendingIds()).isEmpty();
        assertThat(files(pipeline.resolve("claimed"))).as("claims are released").isEmpty();

        JsonNode events = await().atMost(DEADLINE).until(
                () -> JSON.readTree(Http.get(port, "/api/events/recent?topics=pipeline.%23").body()), found -> found.size() > 0);
        assertThat(events.get(0).path("topic").asText()).isEqualTo("pipeline.job.started");
        assertThat(events.get(0).path("data").path("job_id").asText()).isEqualTo(jobId);
        assertThat(events.get(0).path("data").path("experiences").asLong()).isEqualTo(7);
    }

    private static void post(List<String> ids) throws IOException {
        List<Map<String, Object>> experiences = new ArrayList<>();
        ids.forEach(id -> experiences.add(Map.of("id", id, "input", "question " + id, "output", "answer", "reward", 1)));
        HttpResponse<String> response = Http.postJson(port, "/api/experiences", JSON.writeValueAsString(experiences));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static List<JsonNode> jobs() throws IOException {
        List<JsonNode> jobs = new ArrayList<>();
        JSON.readTree(Http.get(port, "/api/training/jobs").body()).forEach(jobs::add);
        return jobs;
    }

    private static JsonNode stats() throws IOException {
        return JSON.readTree(Http.get(port, "/api/experiences/stats").body());
    }

    private static List<String> pendingIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path file : files(pipeline.resolve("pending"))) {
            for (String line : Files.readAllLines(file)) {
                ids.add(JSON.readTree(line).path("id").asText());
            }
        }
        return ids;
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
