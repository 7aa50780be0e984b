package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub killed with -9 while a job runs: its reactor and trainer go with it, and when a hub starts again on the
 * same home the job resumes from the broker journal as a new attempt, completes once, and its stream shows it.
 */
class HubCrashResumeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    private final List<ChildProcess> hubs = new ArrayList<>();

    @AfterEach
    void stopHubs() {
        hubs.forEach(ChildProcess::close);
    }

    @Test
    void aJobInterruptedByAHubCrashResumesWhenTheHubIsBackAndCompletesOnce() throws Exception {
        Path runs = temp.resolve("runs");
        Path gate = temp.resolve("gate");
        Map<String, String> environment = hubEnvironment();
        ChildProcess first = startHub(environment);
        int port = first.awaitUp();
        String jobId = submit(port, Map.of("gate", gate.toString(), "runs_file", runs.toString()));
        List<JsonNode> beforeCrash = stream(port, jobId, null, event -> "running".equals(event.path("status").asText()));
        await().atMost(DEADLINE).until(() -> Files.exists(runs));
        long trainer = Long.parseLong(Files.readAllLines(runs).get(0).split(" ")[0]);
        long reactor = reactorPid(port);

        first.handle().destroyForcibly();
        first.awaitExit(DEADLINE);
        await().atMost(DEADLINE).until(() -> !alive(reactor) && !alive(trainer));

        ChildProcess second = startHub(environment);
        int newPort = second.awaitUp();
        Files.writeString(gate, "open");
        long lastSeen = beforeCrash.get(beforeCrash.size() - 1).path("id").asLong();
        List<JsonNode> afterCrash = stream(newPort, jobId, lastSeen, event -> false);

        List<JsonNode> transitions = afterCrash.stream()
                .filter(event -> "transition".equals(event.path("kind").asText())).toList();
        assertThat(transitions).extracting(event -> event.path("status").asText())
                .containsExactly("queued", "starting", "running", "completed");
        assertThat(transitions.get(0).path("detail").asText()).contains("hub restarted while the job was running");
        assertThat(transitions.get(0).path("attempt").asInt()).isEqualTo(2);
        assertThat(afterCrash).allSatisfy(event -> assertThat(event.path("id").asLong()).isGreaterThan(lastSeen));
        JsonNode job = JSON.readTree(Http.get(newPort, "/api/training/jobs/" + jobId).body());
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        long completions = 0;
        for (JsonNode event : job.path("history")) {
            if ("transition".equals(event.path("kind").asText()) && "completed".equals(event.path("status").asText())) {
                completions++;
            }
        }
        assertThat(completions).isEqualTo(1);
        assertThat(Files.readAllLines(runs)).hasSize(2);
    }

    private Map<String, String> hubEnvironment() {
        Path config = ReactorSetup.reactorOnlyConfig(temp.resolve("config"),
                Map.of("TRAINING_TRAINER_COMMANDS", "test=/usr/bin/python3 " + ReactorSetup.testTrainer(temp)));
        Map<String, String> extra = new HashMap<>();
        extra.put("TRINITY_CONFIG_DIR", config.toString());
        extra.put("TRINITY_SUPERVISOR_ENABLED", "true");
        extra.put("TRINITY_PROBE_INTERVAL", "0.5");
        extra.put("TRINITY_REDELIVERY_DELAY_MS", "200");
        return TestHomes.environment(temp.resolve("home"), extra);
    }

    private ChildProcess startHub(Map<String, String> environment) {
        ChildProcess hub = ChildProcess.start(temp.resolve("logs"), environment);
        hubs.add(hub);
        return hub;
    }

    private static String submit(int port, Map<String, Object> trainerConfig) throws IOException {
        String body = JSON.writeValueAsString(Map.of("experiences",
                List.of(Map.of("input", "a question", "output", "an answer", "reward", 1.0)),
                "model_type", "test", "epochs", 2, "config", trainerConfig));
        HttpResponse<String> response = Http.postJson(port, "/api/training/start", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("job_id").asText();
    }

    /** The job's SSE events (from after {@code lastEventId} when given) until {@code enough} or the stream's end. */
    private static List<JsonNode> stream(int port, String jobId, Long lastEventId, Predicate<JsonNode> enough)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/training/stream/" + jobId));
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<List<JsonNode>> events = CompletableFuture.supplyAsync(() -> {
            List<JsonNode> received = new ArrayList<>();
            try (Stream<String> lines = client.send(request.build(), HttpResponse.BodyHandlers.ofLines()).body()) {
                Iterator<String> line = lines.iterator();
                while (line.hasNext()) {
                    String text = line.next();
                    if (text.startsWith("data: ")) {
                        JsonNode event = JSON.readTree(text.substring(6));
                        received.add(event);
                        if (enough.test(event)) {
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return received;
        });
        return events.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static long reactorPid(int port) {
        return await().atMost(DEADLINE).until(() -> {
            for (JsonNode entry : JSON.readTree(Http.get(port, "/api/services?all=true").body())) {
                if ("reactor-core".equals(entry.path("service_name").asText())) {
                    return entry.path("supervision").path("pid").asLong(-1);
                }
            }
            return -1L;
        }, pid -> pid > 0);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
