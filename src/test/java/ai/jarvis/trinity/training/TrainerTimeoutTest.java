package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trainer that hangs is stopped at TRAINING_TRAINER_TIMEOUT (short here), with its whole process group. */
class TrainerTimeoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    private TrinityNode hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aTrainerThatHangsIsStoppedAtItsTimeoutAndTheJobFailsKeepingItsDataset() throws Exception {
        Path config = ReactorSetup.reactorOnlyConfig(temp.resolve("config"), Map.of(
                "TRAINING_TRAINER_COMMANDS", "test=/usr/bin/python3 " + ReactorSetup.testTrainer(temp),
                "TRAINING_TRAINER_TIMEOUT", "3"));
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_SUPERVISOR_ENABLED", "true")));
        Path runs = temp.resolve("runs");
        String body = JSON.writeValueAsString(Map.of("model_type", "test", "config",
                Map.of("mode", "hang", "runs_file", runs.toString()),
                "experiences", List.of(Map.of("input", "a question", "output", "an answer", "reward", 1.0))));
        HttpResponse<String> started = Http.postJson(hub.httpPort(), "/api/training/start", body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String jobId = JSON.readTree(started.body()).path("job_id").asText();

        JsonNode failed = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> JSON.readTree(Http.get(hub.httpPort(), "/api/training/jobs/" + jobId).body()),
                        job -> "failed".equals(job.path("status").asText()));
        assertThat(failed.path("error").asText()).contains("timed out after 3 s").contains("TRAINING_TRAINER_TIMEOUT");
        long trainer = Long.parseLong(Files.readAllLines(runs).get(0).split(" ")[0]);
        assertThat(ProcessHandle.of(trainer).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(new WorkDirs(hub.settings().getPath("training.work-dir")).keptDataset(jobId)).isPresent();
    }
}
