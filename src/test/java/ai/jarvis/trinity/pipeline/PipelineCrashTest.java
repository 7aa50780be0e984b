package ai.jarvis.trinity.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.ChildProcess;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub killed with -9 while experiences stream in over JMS and batches are written and claimed by jobs; a new
 * hub on the same home, and the client sending again what it was not sure of: every experience ends up exactly once,
 * in a pending batch or in the dataset of a job the pipeline started.
 */
class PipelineCrashTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOTAL = 600;
    private static final int SENT_BEFORE_CRASH = 300;

    @TempDir
    Path temp;
    private final List<ChildProcess> hubs = new ArrayList<>();

    @AfterEach
    void stopHubs() {
        hubs.forEach(ChildProcess::close);
    }

    @Test
    void aHubCrashWhileExperiencesStreamInLosesNoneAndDuplicatesNone() throws Exception {
        Map<String, String> environment = TestHomes.environment(temp.resolve("home"), Map.of(
                "TRINITY_TRAINING_BATCH_SIZE", "20", "TRINITY_TRAINING_FLUSH_INTERVAL", "1",
                "TRINITY_TRAINING_THRESHOLD", "150", "TRINITY_REDELIVERY_DELAY_MS", "200"));
        ChildProcess first = start(environment);
        int port = first.awaitUp();

        // Acknowledged sends, in order; the send that fails when the hub dies may or may not have been stored.
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> send(coreUrl(port), 0, TOTAL, acknowledged));
        await().atMost(DEADLINE).until(() -> acknowledged.get() >= SENT_BEFORE_CRASH);
        first.handle().destroyForcibly();
        first.awaitExit(DEADLINE);
        streaming.handle((done, failure) -> null).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(acknowledged.get()).as("the hub died before every experience was sent").isLessThan(TOTAL);

        ChildProcess second = start(environment);
        int newPort = second.awaitUp();
        send(coreUrl(newPort), acknowledged.get(), TOTAL, new AtomicInteger());

        await().atMost(DEADLINE).until(() -> settled(newPort) && written(newPort).size() >= TOTAL);
        Map<String, Long> counts = written(newPort).stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        assertThat(counts.keySet()).as("every experience").hasSize(TOTAL);
        assertThat(counts.entrySet().stream().filter(entry -> entry.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("experiences written more than once").isEmpty();
        assertThat(files(pipelineDir().resolve("claimed"))).as("no claim left behind").isEmpty();
        JsonNode stats = stats(newPort);
        assertThat(stats.path("last_job").path("job_id").asText()).startsWith("job-");
    }

    private ChildProcess start(Map<String, String> environment) {
        ChildProcess hub = ChildProcess.start(temp.resolve("logs"), environment);
        hubs.add(hub);
        return hub;
    }

    private static String coreUrl(int port) {
        try {
            return JSON.readTree(Http.get(port, "/api/health").body()).path("broker").path("urls").path("core").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends experiences {@code from} to {@code to} (exclusive), persistent, each acknowledged before the next. */
    private static void send(String brokerUrl, int from, int to, AtomicInteger acknowledged) {
        try (Connection connection = new ActiveMQConnectionFactory(brokerUrl).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("trinity.experiences"));
            for (int n = from; n < to; n++) {
                producer.send(session.createTextMessage("{\"id\": \"exp-" + n + "\", \"input\": \"question " + n
                        + "\", \"output\": \"answer " + n + "\", \"reward\": 1}"));
                acknowledged.set(n + 1);
            }
        } catch (JMSException e) {
            // the hub went down
        }
    }

    /** Nothing left on the broker, in the open batch or among the batches being written. */
    private static boolean settled(int port) throws IOException {
        JsonNode stats = stats(port);
        return stats.path("queued").asLong() == 0 && stats.path("open_batch").asInt() == 0
                && stats.path("closing_batches").asInt() == 0;
    }

    private static JsonNode stats(int port) throws IOException {
        return JSON.readTree(Http.get(port, "/api/experiences/stats").body());
    }

    /** The ids in the pending batches and in the datasets of the jobs the pipeline started. */
    private List<String> written(int port) throws IOException {
        List<Path> datasets = new ArrayList<>(files(pipelineDir().resolve("pending")));
        for (JsonNode job : JSON.readTree(Http.get(port, "/api/training/jobs").body())) {
            assertThat(job.path("source").asText()).isEqualTo("pipeline");
            datasets.add(Path.of(job.path("dataset_path").asText()));
        }
        List<String> ids = new ArrayList<>();
        for (Path dataset : datasets) {
            for (String line : Files.readAllLines(dataset)) {
                ids.add(JSON.readTree(line).path("id").asText());
            }
        }
        return ids;
    }

    private Path pipelineDir() {
        return temp.resolve("home").resolve("bridge").resolve("training_staging").resolve("pipeline");
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
