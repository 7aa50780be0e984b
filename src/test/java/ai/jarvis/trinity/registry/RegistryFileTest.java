package ai.jarvis.trinity.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.jarvis.trinity.testing.ChildProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry file: atomic, shared by processes, never lost to corruption. */
class RegistryFileTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void writesAJsonObjectOfServicesAnyLanguageCanRead() throws IOException {
        RegistryFile file = new RegistryFile(dir);
        file.update(services -> {
            ServiceEntry entry = new ServiceEntry();
            entry.serviceName = "jarvis-prime";
            entry.port = 8002;
            entry.metadata.put("model", "tiny");
            services.put(entry.serviceName, entry);
            return true;
        });
        JsonNode document = json.readTree(dir.resolve("services.json").toFile());
        JsonNode prime = document.path("services").path("jarvis-prime");
        assertThat(prime.path("service_name").asText()).isEqualTo("jarvis-prime");
        assertThat(prime.path("port").asInt()).isEqualTo(8002);
        assertThat(prime.path("metadata").path("model").asText()).isEqualTo("tiny");
        assertThat(file.read()).containsKey("jarvis-prime");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .as("no temp file left behind").containsExactlyInAnyOrder("services.json", "services.json.lock");
        }
    }

    @Test
    void fieldsWrittenByOtherProgramsAreKept() throws IOException {
        Files.writeString(dir.resolve("services.json"),
                "{\"services\": {\"py-svc\": {\"service_name\": \"py-svc\", \"port\": 9000, \"python_only\": [1, 2]}}}");
        RegistryFile file = new RegistryFile(dir);
        file.update(services -> {
            services.get("py-svc").status = "healthy";
            return true;
        });
        JsonNode entry = json.readTree(dir.resolve("services.json").toFile()).path("services").path("py-svc");
        assertThat(entry.path("python_only").toString()).isEqualTo("[1,2]");
        assertThat(entry.path("status").asText()).isEqualTo("healthy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage \u0000\u0001 not json", "{\"services\": {\"half\": {\"port\": 80"})
    void aCorruptFileIsSetAsideAndTheRegistryStartsEmpty(String content) throws IOException {
        Files.writeString(dir.resolve("services.json"), content);
        RegistryFile file = new RegistryFile(dir);

        assertThat(file.read()).isEmpty();

        List<Path> aside = corruptCopies();
        assertThat(aside).hasSize(1);
        assertThat(Files.readString(aside.get(0))).isEqualTo(content);
        file.update(services -> {
            ServiceEntry entry = new ServiceEntry();
            entry.serviceName = "refilled";
            services.put("refilled", entry);
            return true;
        });
        assertThat(file.read()).containsOnlyKeys("refilled");
    }

    @Test
    void aLockHeldByAProcessThatDiedNeverBlocksTheRegistry() throws Exception {
        RegistryFile file = new RegistryFile(dir);
        try (ChildProcess holder = ChildProcess.startMain(dir.resolve("proc"), Map.of(), LockHolderMain.class,
                dir.resolve("services.json.lock").toString())) {
            holder.awaitOutput("locked");
            CompletableFuture<Map<String, ServiceEntry>> blocked = CompletableFuture.supplyAsync(() ->
                    file.update(services -> {
                        services.put("after-the-holder", new ServiceEntry());
                        return true;
                    }));
            // While the holder lives, the lock is real: the update waits.
            assertThatThrownBy(() -> blocked.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            holder.handle().destroyForcibly();
            await().atMost(DEADLINE).until(blocked::isDone);
        }
        assertThat(file.read()).containsKey("after-the-holder");
    }

    @Test
    void concurrentWriterProcessesLoseNoUpdate() throws Exception {
        int processes = 4;
        int servicesEach = 25;
        List<ChildProcess> writers = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                writers.add(ChildProcess.startMain(dir.resolve("proc"), Map.of(), RegistryWriterMain.class,
                        dir.toString(), "w" + i, Integer.toString(servicesEach), "3"));
            }
            for (ChildProcess writer : writers) {
                assertThat(writer.awaitExit(DEADLINE)).as(writer.output()).isZero();
            }
        } finally {
            writers.forEach(ChildProcess::close);
        }
        Map<String, ServiceEntry> services = new RegistryFile(dir).read();
        assertThat(services).hasSize(processes * servicesEach);
        for (int i = 0; i < processes; i++) {
            for (int j = 0; j < servicesEach; j++) {
                ServiceEntry entry = services.get("w" + i + "-" + j);
                assertThat(entry).as("w" + i + "-" + j).isNotNull();
                assertThat(entry.status).isEqualTo("healthy");
                assertThat(entry.metadata).containsEntry("heartbeats", 3);
            }
        }
        assertThat(json.readTree(dir.resolve("services.json").toFile()).path("services").size())
                .isEqualTo(processes * servicesEach);
        assertThat(corruptCopies()).isEmpty();
    }

    @Test
    void javaAndPythonWritersShareTheFileByTheDocumentedProtocol() throws Exception {
        Path script = Path.of("examples/python/trinity_registry.py").toAbsolutePath();
        assumeTrue(canRun("python3", "--version"), "python3 is not installed");
        List<ChildProcess> javaWriters = new ArrayList<>();
        List<Process> pythonWriters = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                javaWriters.add(ChildProcess.startMain(dir.resolve("proc"), Map.of(), RegistryWriterMain.class,
                        dir.toString(), "java" + i, "20", "3"));
                ProcessBuilder python = new ProcessBuilder("python3", script.toString(), "stress", "py" + i, "20")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("py" + i + ".log").toFile());
                python.environment().put("JARVIS_REGISTRY_DIR", dir.toString());
                pythonWriters.add(python.start());
            }
            for (ChildProcess writer : javaWriters) {
                assertThat(writer.awaitExit(DEADLINE)).as(writer.output()).isZero();
            }
            for (int i = 0; i < pythonWriters.size(); i++) {
                assertThat(pythonWriters.get(i).waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(pythonWriters.get(i).exitValue()).as(Files.readString(dir.resolve("py" + i + ".log"))).isZero();
            }
        } finally {
            javaWriters.forEach(ChildProcess::close);
            pythonWriters.forEach(Process::destroyForcibly);
        }
        Map<String, ServiceEntry> services = new RegistryFile(dir).read();
        assertThat(services).hasSize(80);
        assertThat(services.values()).allSatisfy(entry -> assertThat(entry.status).isEqualTo("healthy"));
    }

    private static boolean canRun(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<Path> corruptCopies() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("services.json.corrupt-"))
                    .collect(Collectors.toList());
        }
    }
}
