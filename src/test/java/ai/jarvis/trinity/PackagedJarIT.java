package ai.jarvis.trinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's start command on the packaged jar, by a relative path from a folder with no configuration: everything
 * must come from the jar (routes, broker.xml, services.yaml, every Camel component the routes use), the built-in
 * roles run, and a training job runs through the built-in reactor and trainer to its model.
 */
class PackagedJarIT {

    private static final Pattern UP = Pattern.compile("is up: http://[^:]+:(\\d+)");

    @TempDir
    Path temp;

    @Test
    void javaDashJarStartsTheWholeSystemWithZeroConfiguration() throws Exception {
        Path jar = Path.of(System.getProperty("trinity.jar"));
        Path emptyFolder = Files.createDirectories(temp.resolve("cwd"));
        Path output = temp.resolve("hub.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", emptyFolder.relativize(jar).toString())
                .directory(emptyFolder.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("TRINITY_CONFIG_DIR");
        builder.environment().putAll(TestHomes.environment(temp.resolve("home"), Map.of("TRINITY_SUPERVISOR_ENABLED", "true")));
        Process hub = builder.start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> UP.matcher(read(output)).find() || !hub.isAlive());
            Matcher up = UP.matcher(read(output));
            assertThat(up.find()).as(read(output)).isTrue();
            int port = Integer.parseInt(up.group(1));
            ObjectMapper json = new ObjectMapper();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode services = json.readTree(Http.get(port, "/api/health").body()).path("services");
                return "running".equals(services.path("jarvis-prime").asText())
                        && "running".equals(services.path("reactor-core").asText());
            });
            hub.toHandle().children().forEach(children::add);
            assertThat(children).hasSize(2);

            String experiences = json.writeValueAsString(Map.of("experiences", List.of(
                    Map.of("input", "how are you", "output", "fine, thanks", "reward", 1.0),
                    Map.of("input", "how are you", "output", "go away", "reward", 0.0))));
            String jobId = json.readTree(Http.postJson(port, "/api/training/start", experiences).body()).path("job_id").asText();
            JsonNode job = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> json.readTree(Http.get(port, "/api/training/jobs/" + jobId).body()),
                            found -> found.path("status").asText().matches("completed|failed|cancelled"));
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
            assertThat(json.readTree(Http.get(port, "/api/models/retrieval").body()).path("versions").get(0)
                    .path("job_id").asText()).isEqualTo(jobId);

            hub.destroy();
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(hub.exitValue()).as(read(output)).isZero();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(read(output)).doesNotContain("\tat ");
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            hub.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            hub.destroyForcibly();
        }
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
