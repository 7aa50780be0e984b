package ai.jarvis.trinity.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The supervisor with real child processes (small shell programs written by each test). */
class SupervisorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private final ObjectMapper json = new ObjectMapper();
    private final List<Long> startedPids = new ArrayList<>();
    private TrinityNode hub;

    @AfterEach
    void stopEverything() {
        if (hub != null) {
            hub.close();
        }
        for (long pid : startedPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process " + pid + " outlived the hub").isFalse();
        }
    }

    @Test
    void aCrashingServiceIsRestartedWithGrowingBackoffThenGivenUp() throws Exception {
        script("crash.sh", "echo started; exit 3");
        startHub("""
                services:
                  - name: crasher
                    command: ["%s/crash.sh"]
                    backoff_base: 0.2
                    max_restarts: 3
                """);
        List<JsonNode> events = serviceEvents(8);
        assertThat(events).extracting(e -> e.path("kind").asText()).containsExactly(
                "crashed", "restarted", "crashed", "restarted", "crashed", "restarted", "crashed", "failed");
        assertThat(events).filteredOn(e -> e.path("kind").asText().equals("crashed"))
                .allSatisfy(e -> assertThat(e.path("exit_code").asInt()).isEqualTo(3));
        List<Long> delays = events.stream().filter(e -> e.path("kind").asText().equals("restarted"))
                .map(e -> e.path("delay_ms").asLong()).collect(Collectors.toList());
        assertThat(delays).containsExactly(200L, 400L, 800L);
        for (int i = 0; i < 3; i++) {
            double crashedAt = events.get(2 * i).path("ts").asDouble();
            double restartedAt = events.get(2 * i + 1).path("ts").asDouble();
            assertThat(restartedAt - crashedAt).as("restart %d waited its backoff", i + 1)
                    .isGreaterThanOrEqualTo(delays.get(i) / 1000.0 - 0.005);
        }
        JsonNode view = supervision("crasher");
        assertThat(view.path("state").asText()).isEqualTo("failed");
        assertThat(view.path("last_exit_code").asInt()).isEqualTo(3);
        assertThat(json.readTree(Http.get(hub.httpPort(), "/api/health").body()).path("status").asText())
                .isEqualTo("degraded");
        assertThat(Files.readString(temp.resolve("home/logs/crasher.log")).lines().filter("started"::equals).count())
                .isEqualTo(4);
    }

    @Test
    void theRestartCountGoesBackToZeroOnceAServiceStaysUpLongEnough() throws Exception {
        script("short-lived.sh", "echo up; sleep 0.6; exit 1");
        startHub("""
                services:
                  - name: short-lived
                    command: ["%s/short-lived.sh"]
                    backoff_base: 0.05
                    max_restarts: 1
                    reset_after: 0.3
                    probe_interval: 0.1
                """);
        await().atMost(DEADLINE).until(() -> logLines("short-lived", "up") >= 4);
        assertThat(supervision("short-lived").path("state").asText()).isNotEqualTo("failed");
    }

    @Test
    void aSelfRegisteredServiceWhoseHeartbeatGoesStaleIsRestarted() throws Exception {
        // Registers itself once through the hub (same pid: exec), then never heartbeats.
        script("silent.sh", "curl -s -o /dev/null -X POST -H 'Content-Type: application/json' "
                + "-d \"{\\\"pid\\\": $$, \\\"status\\\": \\\"healthy\\\"}\" "
                + "\"$TRINITY_HUB_URL/api/services/$TRINITY_SERVICE_NAME\"; echo registered; exec sleep 300");
        startHub("""
                services:
                  - name: silent
                    command: ["%s/silent.sh"]
                    backoff_base: 0.1
                    probe_interval: 0.2
                """, Map.of("JARVIS_HEARTBEAT_TIMEOUT", "1.5"));
        long first = awaitPid("silent");
        await().atMost(DEADLINE).until(() -> logLines("silent", "registered") >= 2);
        JsonNode view = supervision("silent");
        assertThat(view.path("restarts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        startedPids.add(awaitPid("silent"));
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledAfterTheStopTimeout() throws Exception {
        script("stubborn.sh", "trap '' TERM; echo ready; while true; do sleep 0.1; done");
        startHub("""
                services:
                  - name: stubborn
                    command: ["%s/stubborn.sh"]
                    stop_timeout: 1
                """);
        long pid = awaitPid("stubborn");
        await().atMost(DEADLINE).until(() -> logLines("stubborn", "ready") == 1);
        assertThat(Http.postJson(hub.httpPort(), "/api/services/stubborn/stop", "").statusCode()).isEqualTo(200);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(supervision("stubborn").path("state").asText()).isEqualTo("stopped");
        assertThat(Http.get(hub.httpPort(), "/api/services/stubborn").statusCode()).as("deregistered").isEqualTo(404);

        assertThat(Http.postJson(hub.httpPort(), "/api/services/stubborn/start", "").statusCode()).isEqualTo(200);
        long again = awaitPid("stubborn");
        assertThat(again).isNotEqualTo(pid);
        assertThat(Http.postJson(hub.httpPort(), "/api/services/stubborn/start", "").statusCode()).isEqualTo(409);
    }

    @Test
    void theOutputOfAServiceCanBeReadAndFollowedOverRest() throws Exception {
        script("talker.sh", "echo one; echo two; sleep 1; echo three; exec sleep 300");
        startHub("""
                services:
                  - name: talker
                    command: ["%s/talker.sh"]
                """);
        startedPids.add(awaitPid("talker"));
        await().atMost(DEADLINE).until(() -> logLines("talker", "two") == 1);
        assertThat(json.readTree(Http.get(hub.httpPort(), "/api/services/talker/logs?tail=1").body()).toString())
                .isEqualTo("[\"two\"]");
        assertThat(Http.get(hub.httpPort(), "/api/services/talker/logs?tail=0").statusCode()).isEqualTo(400);
        assertThat(Http.get(hub.httpPort(), "/api/services/talker/logs?tail=many").statusCode()).isEqualTo(400);
        assertThat(Http.get(hub.httpPort(), "/api/services/nobody/logs").statusCode()).isEqualTo(404);
        assertThat(Http.get(hub.httpPort(), "/api/services/nobody/logs?follow=true").statusCode()).isEqualTo(404);

        HttpRequest follow = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hub.httpPort() + "/api/services/talker/logs?follow=true&tail=5")).build();
        List<String> events = assertTimeoutPreemptively(DEADLINE, () -> {
            HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(follow, HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            List<String> data = new ArrayList<>();
            Iterator<String> lines = stream.body().iterator();
            while (!data.contains("data: three")) {
                String line = lines.next();
                if (line.startsWith("data: ")) {
                    data.add(line);
                }
            }
            stream.body().close();
            return data;
        });
        assertThat(events).containsSubsequence("data: one", "data: two", "data: three");
    }

    @Test
    void aGrandchildIsStoppedWithItsParent() throws Exception {
        script("parent.sh", "sleep 300 & echo \"grandchild $!\"; wait");
        startHub("""
                services:
                  - name: parent
                    command: ["%s/parent.sh"]
                """);
        awaitPid("parent");
        await().atMost(DEADLINE).until(() -> logLines("parent", "grandchild") == 1);
        Matcher matcher = Pattern.compile("grandchild (\\d+)").matcher(Files.readString(temp.resolve("home/logs/parent.log")));
        assertThat(matcher.find()).isTrue();
        long grandchild = Long.parseLong(matcher.group(1));
        assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        hub.close();
        hub = null;
        assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aMissingProgramIsUnavailableAndTheHubStaysHealthy() throws Exception {
        startHub("""
                services:
                  - name: ghost
                    command: ["/nonexistent/program", "--serve"]
                  - name: ghost-repo
                    repo_path: /nonexistent/repo
                    script: main.py
                """);
        await().atMost(DEADLINE).until(() -> "unavailable".equals(supervision("ghost-repo").path("state").asText()));
        assertThat(supervision("ghost").path("reason").asText()).contains("/nonexistent/program");
        assertThat(supervision("ghost-repo").path("reason").asText()).contains("/nonexistent/repo");
        JsonNode health = json.readTree(Http.get(hub.httpPort(), "/api/health").body());
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("services").path("ghost").asText()).isEqualTo("unavailable");
    }

    @Test
    void everyLineOfAFastWriterReachesTheHubLogInOrderAndNoisyOutputCannotHangIt() throws Exception {
        script("fast.sh", "seq 1 100000; head -c 100000 /dev/zero | tr '\\0' 'x'; echo; "
                + "printf 'bin\\001\\377ary\\n'; echo last");
        ListAppender<ILoggingEvent> hubLog = new ListAppender<>();
        Logger serviceLogger = (Logger) LoggerFactory.getLogger("service");
        hubLog.start();
        serviceLogger.addAppender(hubLog);
        try {
            startHub("""
                    services:
                      - name: fast
                        command: ["%s/fast.sh"]
                        restart: never
                    """);
            await().atMost(DEADLINE).until(() -> lines(hubLog).contains("[FAST] last"));
            List<String> lines = lines(hubLog);
            List<String> numbers = lines.stream().filter(l -> l.matches("\\[FAST] \\d+")).collect(Collectors.toList());
            assertThat(numbers).hasSize(100000);
            for (int i = 0; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).isEqualTo("[FAST] " + (i + 1));
            }
            List<String> longLine = lines.stream().filter(l -> l.startsWith("[FAST] xxx")).collect(Collectors.toList());
            assertThat(longLine).hasSizeGreaterThan(1)
                    .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(OutputTail.MAX_LINE + 10));
            assertThat(lines).contains("[FAST] bin\\x01\ufffdary");
            await().atMost(DEADLINE).until(() -> supervision("fast").path("state").asText().equals("stopped"));
        } finally {
            serviceLogger.detachAppender(hubLog);
        }
    }

    @Test
    void aBuiltInRoleEndsWhenItsHubIsGone() throws Exception {
        Process fakeHub = new ProcessBuilder("sleep", "300").start();
        Map<String, String> env = TestHomes.environment(temp.resolve("home"),
                Map.of("TRINITY_PARENT_PID", Long.toString(fakeHub.pid())));
        try (var role = ai.jarvis.trinity.testing.ChildProcess.start(temp, env, "reactor")) {
            role.awaitUp();
            fakeHub.destroyForcibly();
            assertThat(role.awaitExit(DEADLINE)).isZero();
            assertThat(role.output()).contains("parent hub " + fakeHub.pid() + " is gone");
        }
    }

    private void startHub(String servicesYaml) throws IOException {
        startHub(servicesYaml, Map.of());
    }

    private void startHub(String servicesYaml, Map<String, String> extraSettings) throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("services.yaml"), servicesYaml.replace("%s", temp.toString()));
        Map<String, String> settings = new java.util.HashMap<>(Map.of("TRINITY_CONFIG_DIR", config.toString(),
                "TRINITY_PROBE_INTERVAL", "0.2", "TRINITY_SUPERVISOR_ENABLED", "true"));
        settings.putAll(extraSettings);
        hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), settings));
    }

    private void script(String name, String body) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private JsonNode supervision(String name) throws IOException {
        for (JsonNode entry : json.readTree(Http.get(hub.httpPort(), "/api/services?all=true").body())) {
            if (entry.path("service_name").asText().equals(name)) {
                return entry.path("supervision");
            }
        }
        return json.missingNode();
    }

    private long awaitPid(String name) {
        long[] pid = new long[1];
        await().atMost(DEADLINE).until(() -> {
            JsonNode view = supervision(name);
            pid[0] = view.path("pid").asLong();
            return view.path("pid").isNumber();
        });
        startedPids.add(pid[0]);
        return pid[0];
    }

    private long logLines(String service, String text) throws IOException {
        Path log = temp.resolve("home/logs/" + service + ".log");
        return Files.exists(log) ? Files.readString(log).lines().filter(l -> l.startsWith(text)).count() : 0;
    }

    private static List<String> lines(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }

    /** The next {@code count} events on trinity.events.service.#, each with its kind (the topic's last word). */
    private List<JsonNode> serviceEvents(int count) throws Exception {
        // The hub starts its services in the background; subscribe right away and keep what arrives.
        try (Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createTopic("trinity.events.service.#"));
            List<JsonNode> events = new ArrayList<>();
            while (events.size() < count) {
                Message message = consumer.receive(DEADLINE.toMillis());
                assertThat(message).as("event " + events.size()).isNotNull();
                com.fasterxml.jackson.databind.node.ObjectNode event =
                        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(((TextMessage) message).getText());
                String topic = ((jakarta.jms.Topic) message.getJMSDestination()).getTopicName();
                event.put("kind", topic.substring(topic.lastIndexOf('.') + 1));
                events.add(event);
            }
            return events;
        }
    }
}
