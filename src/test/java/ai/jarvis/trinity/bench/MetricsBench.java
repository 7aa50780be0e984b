package ai.jarvis.trinity.bench;

import static ai.jarvis.trinity.bench.BenchStats.percentileMillis;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Metrics benchmark (bench/metrics.sh): GET /metrics over loopback on a loaded hub (3 supervised services, 100 jobs of
 * which 20 ended, 10 reliable queues holding messages and their dead-letter queues), SCRAPES times after a warm-up:
 * the time to the whole answer, its size and its number of samples. With a third argument the last scrape is written
 * to that file.
 */
public final class MetricsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPERIENCE = "{\"input\": \"hi\", \"output\": \"hello\", \"reward\": 1}";

    private MetricsBench() {
    }

    public static void main(String[] args) throws Exception {
        int scrapes = Integer.parseInt(args.length > 0 ? args[0] : "500");
        int jobs = Integer.parseInt(args.length > 1 ? args[1] : "100");
        Path work = Files.createTempDirectory("metrics-bench");
        Path sleeper = work.resolve("sleeper.sh");
        Files.writeString(sleeper, "#!/usr/bin/env bash\nexec sleep 100000\n");
        Files.setPosixFilePermissions(sleeper, PosixFilePermissions.fromString("rwx------"));
        Path config = Files.createDirectories(work.resolve("config"));
        StringBuilder services = new StringBuilder("services:\n");
        for (String name : List.of("service-a", "service-b", "service-c")) {
            services.append("  - name: ").append(name).append("\n    command: [\"").append(sleeper).append("\"]\n");
        }
        Files.writeString(config.resolve("services.yaml"), services);
        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(work.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_LOG_LEVEL", "WARN")))) {
            HttpClient http = HttpClient.newHttpClient();
            load(hub, http, jobs);
            URI metrics = URI.create("http://127.0.0.1:" + hub.httpPort() + "/metrics");
            String body = "";
            for (int i = 0; i < 50; i++) {
                body = scrape(http, metrics).body();
            }
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < scrapes; i++) {
                long start = System.nanoTime();
                body = scrape(http, metrics).body();
                nanos.add(System.nanoTime() - start);
            }
            long samples = body.lines().filter(line -> !line.startsWith("#")).count();
            System.out.printf("hub: 3 services, %d jobs, 10 queues + DLQs; answer %d bytes, %d samples%n", jobs,
                    body.length(), samples);
            System.out.printf("GET /metrics over loopback: %s%n", summary(nanos));
            if (args.length > 2) {
                Files.writeString(Path.of(args[2]), body);
            }
        }
    }

    private static void load(TrinityNode hub, HttpClient http, int jobs) throws Exception {
        URI start = URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/training/start");
        JobStore store = hub.camelContext().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        for (int i = 0; i < jobs; i++) {
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(start)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"experiences\": [" + EXPERIENCE + "]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 202) {
                throw new IllegalStateException("job not started: " + started.body());
            }
            if (i % 5 == 0) {
                String jobId = JSON.readTree(started.body()).path("job_id").asText();
                store.transition(jobId, Job.QUEUED, Job.STARTING, "bench", Map.of("started_at", store.now()));
                store.transition(jobId, Job.STARTING, Job.FAILED, "bench", Map.of("finished_at", store.now()));
            }
        }
        try (Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            for (int q = 0; q < 10; q++) {
                for (String queue : List.of("trinity.queue.bench-" + q, "DLQ.trinity.queue.bench-" + q)) {
                    MessageProducer producer = session.createProducer(session.createQueue(queue));
                    for (int m = 0; m < 20; m++) {
                        producer.send(session.createTextMessage("{\"n\": " + m + "}"));
                    }
                }
            }
        }
    }

    private static HttpResponse<String> scrape(HttpClient http, URI metrics) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        return response;
    }

    private static String summary(List<Long> nanos) {
        return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)", percentileMillis(nanos, 50),
                percentileMillis(nanos, 99), percentileMillis(nanos, 100), nanos.size());
    }
}
