package ai.jarvis.trinity.bench;

import static ai.jarvis.trinity.bench.BenchStats.percentile;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Supervisor benchmark (bench/supervisor.sh): KILLS kill -9s of a supervised child. Run 1, backoff 0 and a child
 * without health check: kill -> exit detected, kill -> new process. Run 2, default backoff (1 s) and an HTTP
 * child: kill -> healthy again. Baselines in the same run: spawning the child directly, and the child's own
 * time from start to a passing health check.
 */
public final class SupervisorBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SupervisorBench() {
    }

    public static void main(String[] args) throws Exception {
        int kills = Integer.parseInt(args.length > 0 ? args[0] : "20");
        Path work = Files.createTempDirectory("supervisor-bench");
        try {
            Path sleeper = script(work, "sleeper.sh", "exec sleep 1000");
            Path web = script(work, "web.sh", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1");

            List<Double> spawn = new ArrayList<>();
            List<Double> childStart = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                spawn.add(directSpawnMs(sleeper));
                childStart.add(childStartToHealthyMs(web, 20000 + (int) (Math.random() * 10000)));
            }

            List<Double> detect = new ArrayList<>();
            List<Double> newProcess = new ArrayList<>();
            try (TrinityNode hub = hub(work.resolve("run1"), "services:\n  - name: sleeper\n    command: [\"" + sleeper
                    + "\"]\n    backoff_base: 0\n    max_restarts: 1000\n");
                 Events events = new Events(hub)) {
                events.next("service.restarted", "sleeper", null); // first launch announced? no: wait for a pid
                for (int i = 0; i < kills; i++) {
                    long pid = events.pid("sleeper");
                    Instant killed = Instant.now();
                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                    JsonNode restarted = events.next("service.restarted", "sleeper", killed);
                    detect.add(millis(killed, restarted.path("exit_detected_at").asDouble()));
                    newProcess.add(millis(killed, restarted.path("started_at").asDouble()));
                }
            }

            List<Double> healthy = new ArrayList<>();
            try (TrinityNode hub = hub(work.resolve("run2"), "services:\n  - name: web\n    command: [\"" + web
                    + "\"]\n    port: 0\n    health: /\n    probe_interval: 0.05\n    reset_after: 0\n    max_restarts: 1000\n");
                 Events events = new Events(hub)) {
                events.next("service.healthy", "web", null);
                for (int i = 0; i < kills; i++) {
                    events.awaitRestartCountReset("web");
                    long pid = events.pid("web");
                    Instant killed = Instant.now();
                    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                    JsonNode back = events.next("service.healthy", "web", killed);
                    healthy.add(millis(killed, back.path("ts").asDouble()));
                }
            }

            System.out.printf("kills: %d%n", kills);
            System.out.printf("baseline: spawn the child from Java:            %s%n", summary(spawn));
            System.out.printf("backoff 0: kill -> exit detected:               %s%n", summary(detect));
            System.out.printf("backoff 0: kill -> new process started:         %s%n", summary(newProcess));
            System.out.printf("baseline: HTTP child start -> health passes:    %s%n", summary(childStart));
            System.out.printf("backoff 1 s: kill -> healthy again (probe 50 ms): %s%n", summary(healthy));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static TrinityNode hub(Path home, String servicesYaml) throws Exception {
        Path config = Files.createDirectories(home.resolve("config"));
        Files.writeString(config.resolve("services.yaml"), servicesYaml);
        return TrinityNode.start(Role.HUB, TestHomes.settings(home.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_LOG_LEVEL", "WARN")));
    }

    private static double directSpawnMs(Path program) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(program.toString()).start();
        double took = (System.nanoTime() - start) / 1e6;
        process.destroyForcibly().waitFor();
        return took;
    }

    private static double childStartToHealthyMs(Path web, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ProcessBuilder builder = new ProcessBuilder(web.toString());
        builder.environment().put("PORT", Integer.toString(port));
        long start = System.nanoTime();
        Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int attempt = 0; attempt < 2000; attempt++) {
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                } catch (java.io.IOException notYet) {
                    Thread.sleep(5);
                }
            }
            throw new IllegalStateException("child never became healthy");
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        file.toFile().setExecutable(true);
        return file;
    }

    private static double millis(Instant from, double epochSeconds) {
        return (epochSeconds - (from.getEpochSecond() + from.getNano() / 1e9)) * 1000;
    }

    private static String summary(List<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The hub's service events as they arrive. */
    private static final class Events implements AutoCloseable {
        private final Connection connection;
        private final MessageConsumer consumer;
        private final TrinityNode hub;

        Events(TrinityNode hub) throws Exception {
            this.hub = hub;
            connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumer = session.createConsumer(session.createTopic("trinity.events.service.#"));
        }

        /** The next event of that topic and service after {@code after} (any time when null); skips others. */
        JsonNode next(String topic, String service, Instant after) throws Exception {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                Message message = consumer.receive(1000);
                if (message == null) {
                    if (after == null && hub.supervisor().orElseThrow().view(service).get("pid") != null) {
                        return JSON.createObjectNode();
                    }
                    continue;
                }
                String name = ((Topic) message.getJMSDestination()).getTopicName();
                JsonNode body = JSON.readTree(((TextMessage) message).getText());
                if (name.equals("trinity.events." + topic) && service.equals(body.path("service_name").asText())) {
                    return body;
                }
            }
            throw new IllegalStateException("no " + topic + " event for " + service);
        }

        /** Waits until the service has been healthy long enough (reset_after) for its next crash to be the first. */
        void awaitRestartCountReset(String service) throws InterruptedException {
            for (int attempt = 0; attempt < 1000 && ((Number) hub.supervisor().orElseThrow().view(service)
                    .get("restarts")).intValue() > 0; attempt++) {
                Thread.sleep(10);
            }
        }

        long pid(String service) {
            Object pid = hub.supervisor().orElseThrow().view(service).get("pid");
            return ((Number) pid).longValue();
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
