package ai.jarvis.trinity.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import ai.jarvis.trinity.training.Job;
import ai.jarvis.trinity.training.JobStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics and the liveness and readiness probes of a real hub supervising one small service. */
class MetricsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TOKEN = "metrics-test-token";
    private static final String SERVICE = "sleeper";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    private static TrinityNode hub;

    @BeforeAll
    static void startHub() throws IOException {
        Path sleeper = temp.resolve("sleeper.sh");
        Files.writeString(sleeper, "#!/usr/bin/env bash\nexec sleep 1000\n");
        Files.setPosixFilePermissions(sleeper, PosixFilePermissions.fromString("rwx------"));
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("services.yaml"),
                "services:\n  - name: " + SERVICE + "\n    command: [\"" + sleeper + "\"]\n");
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config.toString(), "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_API_TOKEN", TOKEN)));
        await().atMost(DEADLINE).until(() -> scrape().value("trinity_service_state",
                Map.of("service", SERVICE, "state", "running")).orElse(0) == 1);
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void metricsAreStrictPrometheusTextWithEveryFamily() {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(NodeMetrics.CONTENT_TYPE);
        PrometheusText metrics = PrometheusText.parse(response.body());
        assertThat(metrics.types).containsEntry("trinity_info", "gauge")
                .containsEntry("trinity_service_restarts_total", "counter")
                .containsEntry("trinity_service_consecutive_restarts", "gauge")
                .containsEntry("trinity_service_uptime_seconds", "gauge")
                .containsEntry("trinity_service_state", "gauge")
                .containsEntry("trinity_registry_services", "gauge")
                .containsEntry("trinity_registry_heartbeat_age_seconds", "gauge")
                .containsEntry("trinity_training_jobs", "gauge")
                .containsEntry("camel_exchanges_total", "counter")
                .containsEntry("camel_exchanges_failed_total", "counter")
                .containsEntry("resilience4j_circuitbreaker_state", "gauge")
                .containsEntry("artemis_message_count", "gauge")
                .containsEntry("artemis_messages_added", "gauge")
                .containsEntry("artemis_consumer_count", "gauge")
                .containsKeys("jvm_memory_used_bytes", "jvm_gc_pause_seconds", "jvm_threads_live_threads",
                        "process_cpu_usage", "process_uptime_seconds");
        assertThat(metrics.value("trinity_info", Map.of("role", "hub", "service", hub.serviceName()))).hasValue(1);
        assertThat(metrics.value("trinity_registry_heartbeat_age_seconds", Map.of("service", hub.serviceName()))
                .orElseThrow()).isBetween(0.0, 60.0);
        assertThat(metrics.value("trinity_service_state", Map.of("service", SERVICE, "state", "failed"))).hasValue(0);
        assertThat(metrics.value("camel_exchanges_total", Map.of("routeId", "metrics")).orElseThrow()).isPositive();
        assertThat(metrics.value("resilience4j_circuitbreaker_state", Map.of("name", "jarvis-prime", "state", "closed")))
                .hasValue(1);
    }

    @Test
    void aRestartRaisesTheServicesRestartCounterAndResetsItsUptime() {
        Map<String, String> service = Map.of("service", SERVICE);
        PrometheusText before = scrape();
        double restarts = before.value("trinity_service_restarts_total", service).orElseThrow();
        await().atMost(DEADLINE).until(() -> scrape().value("trinity_service_uptime_seconds", service).orElse(0) > 1);

        HttpResponse<String> restarted = Http.send("POST", hub.httpPort(), "/api/services/" + SERVICE + "/restart",
                null, "Authorization", "Bearer " + TOKEN);
        assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);

        PrometheusText after = scrape();
        assertThat(after.value("trinity_service_restarts_total", service)).hasValue(restarts + 1);
        assertThat(after.value("trinity_service_uptime_seconds", service).orElseThrow()).isLessThan(1);
        assertThat(after.value("trinity_service_state", Map.of("service", SERVICE, "state", "running"))).hasValue(1);
    }

    @Test
    void queueDepthAndMessagesAddedFollowTheBroker() throws Exception {
        String queue = "trinity.queue.metrics-probe";
        try (Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            for (int i = 0; i < 3; i++) {
                producer.send(session.createTextMessage("{\"n\": " + i + "}"));
            }
        }
        PrometheusText metrics = scrape();
        Map<String, String> labels = Map.of("queue", queue);
        assertThat(metrics.value("artemis_message_count", labels)).hasValue(3);
        assertThat(metrics.value("artemis_messages_added", labels)).hasValue(3);
        assertThat(metrics.value("artemis_messages_acknowledged", labels)).hasValue(0);
    }

    @Test
    void jobsAreCountedByStatusAndAnEndedJobsDurationIsRecorded() throws Exception {
        double failedBefore = scrape().value("trinity_training_jobs", Map.of("status", "failed")).orElseThrow();
        HttpResponse<String> started = Http.send("POST", hub.httpPort(), "/api/training/start",
                "{\"experiences\": [{\"input\": \"hi\", \"output\": \"hello\", \"reward\": 1}]}",
                "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String jobId = JSON.readTree(started.body()).path("job_id").asText();
        assertThat(scrape().value("trinity_training_jobs", Map.of("status", "queued")).orElseThrow())
                .isGreaterThanOrEqualTo(1);

        // What a reactor's reports make the hub do, through the job store itself: started, then failed.
        JobStore store = hub.camelContext().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        assertThat(store.transition(jobId, Job.QUEUED, Job.STARTING, "taken", Map.of("started_at", store.now())))
                .isPresent();
        assertThat(store.transition(jobId, Job.STARTING, Job.FAILED, "trainer crashed",
                Map.of("finished_at", store.now(), "error", "exit 1"))).isPresent();

        PrometheusText metrics = scrape();
        assertThat(metrics.value("trinity_training_jobs", Map.of("status", "failed"))).hasValue(failedBefore + 1);
        assertThat(metrics.value("trinity_training_job_duration_seconds_count", Map.of("status", "failed")))
                .hasValue(1);
        assertThat(metrics.types).containsEntry("trinity_training_job_duration_seconds", "histogram");
    }

    @Test
    void metricsNeedTheApiTokenWhenOneIsSet() {
        assertThat(Http.get(hub.httpPort(), "/metrics").statusCode()).isEqualTo(401);
        assertThat(Http.get(hub.httpPort(), "/metrics", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void livenessAnswersUp() throws IOException {
        HttpResponse<String> live = get("/api/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body())).isEqualTo(JSON.readTree("{\"status\":\"up\"}"));
    }

    @Test
    void readinessIs503WhileARouteIsStopped() throws Exception {
        JsonNode ready = JSON.readTree(get("/api/health/ready").body());
        assertThat(ready.path("status").asText()).isEqualTo("ready");
        assertThat(ready.path("checks")).isEqualTo(JSON.readTree(
                "{\"broker\": \"up\", \"routes\": \"started\", \"db\": \"open\"}"));

        hub.camelContext().getRouteController().stopRoute("registry-heartbeat");
        try {
            HttpResponse<String> notReady = get("/api/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(notReady.body());
            assertThat(body.path("status").asText()).isEqualTo("not ready");
            assertThat(body.path("reasons").get(0).asText()).isEqualTo("routes: not started: registry-heartbeat");
        } finally {
            hub.camelContext().getRouteController().startRoute("registry-heartbeat");
        }
        assertThat(get("/api/health/ready").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path) {
        return Http.get(hub.httpPort(), path, "Authorization", "Bearer " + TOKEN);
    }

    private static PrometheusText scrape() {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }
}
