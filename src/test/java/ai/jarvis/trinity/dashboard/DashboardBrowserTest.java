package ai.jarvis.trinity.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.ReactorSetup;
import ai.jarvis.trinity.testing.TestHomes;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core: src/test/js/dashboard):
 * against a real hub that supervises its two built-in services, whose reactor runs the gated test trainer; and
 * against a hub that wants an API token and is then stopped.
 */
class DashboardBrowserTest {

    private static final Path CHECKS = Path.of("src/test/js/dashboard");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final long CHECK_TIMEOUT_S = 240;
    private static final String TOKEN = "dashboard-test-token";

    @TempDir
    Path temp;

    @Test
    void theDashboardShowsServicesFollowsAJobToCompletionAndRestartsAService() throws Exception {
        assumeBrowser();

        try (TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"), Map.of(
                "TRINITY_CONFIG_DIR", config().toString(),
                "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_PROBE_INTERVAL", "0.5",
                "TRINITY_MAX_RETRIES", "1")))) {
            HttpResponse<String> page = Http.get(hub.httpPort(), "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/dashboard/app.js");
            deadLetters(hub, "orders", 2);

            Path work = temp.resolve("browser");
            Process node = startCheck("dashboard-check.js", "http://127.0.0.1:" + hub.httpPort(), work.toString());
            try {
                assertThat(assertCheckPassed(node)).contains("dashboard check passed");
            } finally {
                stop(node);
            }
            copyScreenshot(work.resolve("dashboard.png"));
        }
    }

    @Test
    void withATokenThePageAsksForItAndAHubThatIsGoneShowsABanner() throws Exception {
        assumeBrowser();
        TrinityNode hub = TrinityNode.start(Role.HUB, TestHomes.settings(temp.resolve("home"),
                Map.of("TRINITY_API_TOKEN", TOKEN)));
        try {
            assertThat(Http.get(hub.httpPort(), "/").statusCode()).isEqualTo(200);
            assertThat(Http.get(hub.httpPort(), "/dashboard/app.js").statusCode()).isEqualTo(200);
            assertThat(Http.get(hub.httpPort(), "/dashboard/../api/health").statusCode()).isEqualTo(401);
            assertThat(Http.get(hub.httpPort(), "/api/health").statusCode()).isEqualTo(401);

            Process node = startCheck("token-check.js", "http://127.0.0.1:" + hub.httpPort(), TOKEN);
            try {
                await().atMost(Duration.ofSeconds(CHECK_TIMEOUT_S))
                        .until(() -> checkOutput().contains("stop the hub now") || !node.isAlive());
                hub.close();
                assertCheckPassed(node);
            } finally {
                stop(node);
            }
        } finally {
            hub.close();
        }
    }

    /** Sends {@code count} messages to the queue and fails their delivery: they end in its dead-letter queue. */
    private static void deadLetters(TrinityNode hub, String queue, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            assertThat(Http.postJson(hub.httpPort(), "/api/queues/" + queue, "{\"order\": " + i + "}").statusCode())
                    .isEqualTo(202);
        }
        try (Connection connection = new ActiveMQConnectionFactory(hub.brokerUrls().get("core")).createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("trinity.queue." + queue));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (consumer.receive(100) != null) {
                    session.rollback();
                }
                return Http.get(hub.httpPort(), "/api/queues").body().contains("\"dlq_depth\":" + count);
            });
        }
    }

    /** services.yaml with both built-in services; the reactor also runs the test trainer as model type "test". */
    private Path config() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("config"));
        Path trainer = ReactorSetup.testTrainer(folder);
        Files.writeString(folder.resolve("services.yaml"), """
                services:
                  - name: jarvis-prime
                    command: ["${self}", "prime"]
                    port: 0
                    health: /api/health
                    backoff_base: 0.1
                  - name: reactor-core
                    command: ["${self}", "reactor"]
                    port: 0
                    health: /api/health
                    backoff_base: 0.1
                    env:
                      TRAINING_TRAINER_COMMANDS: "test=/usr/bin/python3 %s"
                """.formatted(trainer));
        return folder;
    }

    /** `node SCRIPT ARGS...` in src/test/js/dashboard, its output in a file of the temp dir. */
    private Process startCheck(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(CHECKS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("check.log").toFile())
                .start();
    }

    private String checkOutput() throws IOException {
        return Files.readString(temp.resolve("check.log"), StandardCharsets.UTF_8);
    }

    /** Waits for the check to end; fails with its output unless it exited 0. */
    private String assertCheckPassed(Process node) throws Exception {
        boolean ended = node.waitFor(CHECK_TIMEOUT_S, TimeUnit.SECONDS);
        String output = checkOutput();
        assertThat(ended).as("the browser check did not end within %d s:%n%s", CHECK_TIMEOUT_S, output).isTrue();
        assertThat(node.exitValue()).as("the browser check failed:%n%s", output).isZero();
        return output;
    }

    /** The check and its browser, by pid, if they are still there. */
    private static void stop(Process node) {
        node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
    }

    /** The check's screenshot of the dashboard with real data, kept for docs/dashboard.png. */
    private static void copyScreenshot(Path screenshot) throws IOException {
        if (Files.exists(screenshot)) {
            Files.createDirectories(Path.of("target"));
            Files.copy(screenshot, Path.of("target/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Skips where chromium or node is missing; playwright-core is the project's own (.ci/run installs it). */
    private static void assumeBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed (apt-get install chromium)");
        assumeTrue(onPath("node"), "node is not installed");
        assumeTrue(Files.isDirectory(CHECKS.resolve("node_modules/playwright-core")),
                "playwright-core is not installed (npm ci --prefix " + CHECKS + ")");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, program))) {
                return true;
            }
        }
        return false;
    }
}
