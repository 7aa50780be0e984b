package ai.jarvis.trinity.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.testing.TestHomes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServicesConfigTest {

    @TempDir
    Path config;

    @Test
    void theJarsDefaultDeclaresTheBuiltInRolesWithTheSettingsAsDefaults() {
        List<ServiceSpec> specs = load(Map.of("MAX_RESTART_ATTEMPTS", "7", "RESTART_BACKOFF_BASE", "0.5"));
        assertThat(specs).extracting(s -> s.name).containsExactly("jarvis-prime", "reactor-core");
        ServiceSpec prime = specs.get(0);
        assertThat(prime.command).containsExactly("${self}", "prime");
        assertThat(prime.port).isZero();
        assertThat(prime.health).isEqualTo("/api/health");
        assertThat(prime.maxRestarts).isEqualTo(7);
        assertThat(prime.backoffBase).isEqualTo(0.5);
        assertThat(prime.restartPolicy()).isEqualTo(ServiceSpec.Restart.ALWAYS);
    }

    @Test
    void autoHealingOffMeansNoRestarts() {
        assertThat(load(Map.of("AUTO_HEALING_ENABLED", "false")).get(0).restartPolicy())
                .isEqualTo(ServiceSpec.Restart.NEVER);
    }

    @Test
    void theSeedVariablesPointJPrimeAtTheUsersProgram() {
        ServiceSpec prime = load(Map.of("JPRIME_REPO_PATH", "/opt/jprime", "JPRIME_SCRIPT", "server.py")).get(0);
        assertThat(prime.command).isNull();
        assertThat(prime.repoPath).isEqualTo("/opt/jprime");
        assertThat(prime.script).isEqualTo("server.py");
        assertThat(prime.workingDir).isEqualTo("/opt/jprime");
    }

    @Test
    void fileDefaultsApplyAndDependenciesComeFirst() throws IOException {
        write("""
                defaults:
                  stop_timeout: 3
                  env: {SHARED: "1"}
                services:
                  - name: api
                    command: [api]
                    depends_on: [db]
                    env: {OWN: "2"}
                  - name: db
                    command: [db]
                  - name: off
                    command: [off]
                    enabled: false
                """);
        List<ServiceSpec> specs = load(Map.of());
        assertThat(specs.stream().map(s -> s.name).collect(Collectors.toList())).containsExactly("db", "api");
        assertThat(specs.get(1).stopTimeout).isEqualTo(3.0);
        assertThat(specs.get(1).env).containsEntry("SHARED", "1").containsEntry("OWN", "2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "services: [{name: a, command: [x], restat: always}]|restat",
        "services: [{name: a, command: [x], restart: sometimes}]|sometimes",
        "services: [{name: a}]|either command",
        "services: [{name: a, command: [x], depends_on: [b]}]|'b', which is not declared",
        "services: [{name: a, command: [x], depends_on: [b]}, {name: b, command: [y], depends_on: [a]}]|cycle",
        "services: [{name: a, command: [x]}, {name: a, command: [y]}]|declared twice",
        "services: [{name: Bad Name, command: [x]}]|invalid service name",
        "services: [{name: a, command: [x], port: 70000}]|70000",
        "services: [{name: a, command: [x], health: /h}]|needs a port",
        "services: {name: a|services.yaml"})
    void mistakesNameTheFileAndTheProblem(String yaml, String expected) throws IOException {
        write(yaml);
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(config.resolve("services.yaml").toString())
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private void write(String yaml) throws IOException {
        Files.writeString(config.resolve("services.yaml"), yaml);
    }

    private List<ServiceSpec> load(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("TRINITY_CONFIG_DIR", config.toString());
        Settings settings = TestHomes.settings(config.resolve("home"), all);
        return ServicesConfig.load(new ConfigFiles(settings), settings);
    }
}
