package ai.jarvis.trinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.testing.Http;
import ai.jarvis.trinity.testing.TestHomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's story on the packaged jar, from a fresh home: experiences sent over AMQP by a Python client are batched
 * into a dataset, a job starts by itself and trains, J-Prime serves the new model (its answer becomes one learned
 * from the experiences, through the hub's proxy), and feedback is recorded against the model — while J-Prime is
 * killed with SIGKILL in the middle and healed by the supervisor.
 */
class TrinityLoopIT {

    private static final Pattern UP = Pattern.compile("is up: http://[^:]+:(\\d+)");
    private static final int EXPERIENCES = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void experiencesOverAmqpBecomeAModelThatJPrimeServesAndRatesDespiteAKilledJPrime() throws Exception {
        assumeTrue(pythonHasProton(), "python3-qpid-proton is not installed (.ci/run installs it)");
        Path output = temp.resolve("hub.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("trinity.jar"))
                .directory(Files.createDirectories(temp.resolve("cwd")).toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("TRINITY_CONFIG_DIR");
        builder.environment().putAll(TestHomes.environment(temp.resolve("home"), Map.of(
                "TRINITY_SUPERVISOR_ENABLED", "true",
                "TRINITY_TRAINING_THRESHOLD", Integer.toString(EXPERIENCES),
                "TRINITY_FEEDBACK_INTERVAL", "1")));
        Process hub = builder.start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> UP.matcher(read(output)).find() || !hub.isAlive());
            Matcher up = UP.matcher(read(output));
            assertThat(up.find()).as(read(output)).isTrue();
            int port = Integer.parseInt(up.group(1));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode services = json(Http.get(port, "/api/health").body()).path("services");
                return "running".equals(services.path("jarvis-prime").asText())
                        && "running".equals(services.path("reactor-core").asText());
            });
            hub.toHandle().children().forEach(started::add);
            String amqp = json(Http.get(port, "/api/health").body()).path("broker").path("urls").path("amqp").asText();
            String question = question(17);

            assertThat(Http.postJson(port, "/api/generate", prompt(question)).statusCode())
                    .as("no model yet").isEqualTo(503);

            Path experiences = writeExperiences(temp.resolve("experiences.jsonl"));
            Process client = new ProcessBuilder("/usr/bin/python3", "examples/python/trinity_client.py", "--url", amqp,
                    "experiences", experiences.toString()).redirectErrorStream(true).start();
            assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String clientOutput = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.exitValue()).as(clientOutput).isZero();
            assertThat(json(clientOutput).path("sent").asInt()).isEqualTo(EXPERIENCES);

            long primePid = supervision(port, "jarvis-prime").path("pid").asLong();
            ProcessHandle.of(primePid).ifPresent(ProcessHandle::destroyForcibly);

            JsonNode job = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> pipelineJob(port), found -> found != null
                            && found.path("status").asText().matches("completed|failed|cancelled"));
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode prime = supervision(port, "jarvis-prime");
                return prime.path("pid").asLong() != primePid && "running".equals(prime.path("state").asText());
            });
            ProcessHandle.of(supervision(port, "jarvis-prime").path("pid").asLong()).ifPresent(started::add);

            JsonNode answer = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> json(Http.postJson(port, "/api/generate", prompt(question)).body()),
                            body -> body.hasNonNull("answer"));
            assertThat(answer.path("model_id").asText()).isEqualTo(job.path("model_id").asText());
            assertThat(answer.path("version").asInt()).isEqualTo(job.path("model_version").asInt());
            // The trainer holds one experience in ten out (by a hash of its id, here the broker's message id) to
            // score the model, so a vault's rewarded answer is missing from the model now and then: every answer is
            // one the experiences taught, and nearly every vault answers with its rewarded one (~90 expected).
            Set<String> taught = new HashSet<>(List.of("I do not know", "ask someone else"));
            int rewarded = 0;
            for (int vault = 0; vault < EXPERIENCES / 3; vault++) {
                taught.add(bestAnswer(vault));
            }
            for (int vault = 0; vault < EXPERIENCES / 3; vault++) {
                HttpResponse<String> asked = Http.postJson(port, "/api/generate", prompt(question(vault)));
                assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
                String said = json(asked.body()).path("answer").asText();
                assertThat(taught).as("vault %d", vault).contains(said);
                rewarded += said.equals(bestAnswer(vault)) ? 1 : 0;
            }
            assertThat(rewarded).as("vaults answering their rewarded answer").isGreaterThanOrEqualTo(80);

            String modelId = job.path("model_id").asText();
            String rating = JSON.writeValueAsString(Map.of("model_id", modelId, "rating", 5, "prompt", question));
            assertThat(Http.postJson(port, "/api/feedback", rating).statusCode()).isEqualTo(202);
            JsonNode version = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> json(Http.get(port, "/api/models/" + modelId).body()).path("versions").get(0),
                            found -> found.path("ratings").path("count").asInt() == 1
                                    && found.path("usage").path("requests").asInt() >= 1);
            assertThat(version.path("ratings").path("average").asDouble()).isEqualTo(5.0);

            hub.destroy();
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(hub.exitValue()).as(read(output)).isZero();
            assertThat(read(output)).doesNotContain("\tat ");
        } finally {
            started.forEach(ProcessHandle::destroyForcibly);
            hub.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            hub.destroyForcibly();
        }
    }

    /**
     * A hundred vaults, three answers each: only the right one is rewarded, so a model that learned from these
     * answers "the secret word of vault N is word-N" and nothing it could have known before.
     */
    private static Path writeExperiences(Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int vault = 0; vault < EXPERIENCES / 3; vault++) {
            String input = question(vault);
            lines.append(experience(input, "I do not know", 0.0));
            lines.append(experience(input, bestAnswer(vault), 1.0));
            lines.append(experience(input, "ask someone else", 0.1));
        }
        return Files.writeString(file, lines);
    }

    private static String experience(String input, String output, double reward) throws IOException {
        return JSON.writeValueAsString(Map.of("input", input, "output", output, "reward", reward)) + "\n";
    }

    private static String question(int vault) {
        return "what is the secret word of vault " + vault;
    }

    private static String bestAnswer(int vault) {
        return "the secret word of vault " + vault + " is word-" + (vault * 7919 % 1000);
    }

    private static String prompt(String text) throws IOException {
        return JSON.writeValueAsString(Map.of("prompt", text));
    }

    private static JsonNode pipelineJob(int port) throws IOException {
        for (JsonNode job : json(Http.get(port, "/api/training/jobs").body())) {
            if ("pipeline".equals(job.path("source").asText())) {
                return job;
            }
        }
        return null;
    }

    /** The supervisor's view of a service: state, pid, restarts. */
    private static JsonNode supervision(int port, String service) throws IOException {
        for (JsonNode entry : json(Http.get(port, "/api/services?all=true").body())) {
            if (service.equals(entry.path("service_name").asText())) {
                return entry.path("supervision");
            }
        }
        return JSON.createObjectNode();
    }

    private static boolean pythonHasProton() throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import proton").redirectErrorStream(true).start();
        return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
