package ai.jarvis.trinity.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** What training tests give a hub: a services.yaml with only the built-in reactor, and the Python test trainer. */
public final class ReactorSetup {

    private ReactorSetup() {
    }

    /**
     * A config folder (for TRINITY_CONFIG_DIR) whose services.yaml runs only the built-in reactor, with
     * {@code environment} added to the reactor's; the routes and broker.xml stay the project's.
     */
    public static Path reactorOnlyConfig(Path folder, Map<String, String> environment) {
        StringBuilder services = new StringBuilder("""
                services:
                  - name: reactor-core
                    command: ["${self}", "reactor"]
                    port: 0
                    health: /api/health
                    backoff_base: 0.1
                """);
        if (!environment.isEmpty()) {
            services.append("    env:\n");
        }
        environment.forEach((key, value) -> services.append("      ").append(key).append(": \"").append(value).append("\"\n"));
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("services.yaml"), services);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test trainer (src/test/resources/trainers/test_trainer.py), copied into {@code folder}: a Python program
     * that follows the trainer contract and misbehaves as its job config asks (crash, hang, garbage, a gate).
     */
    public static Path testTrainer(Path folder) {
        Path trainer = folder.resolve("test_trainer.py");
        try (InputStream in = ReactorSetup.class.getResourceAsStream("/trainers/test_trainer.py")) {
            Files.copy(in, trainer, StandardCopyOption.REPLACE_EXISTING);
            return trainer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
