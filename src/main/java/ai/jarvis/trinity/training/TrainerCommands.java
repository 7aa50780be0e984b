package ai.jarvis.trinity.training;

import ai.jarvis.trinity.supervisor.ChildCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which program trains which model_type: TRAINING_TRAINER_COMMAND for the default type, and
 * TRAINING_TRAINER_COMMANDS ({@code type=command;type=command}) for others. A command is split on spaces;
 * {@code ${self}} is this program (its hidden built-in {@code trainer} command is the default trainer).
 */
public final class TrainerCommands {

    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final String jvmOptions;

    public TrainerCommands(String defaultModelType, String defaultCommand, String moreCommands, String jvmOptions) {
        this.jvmOptions = jvmOptions;
        commands.put(defaultModelType, split(defaultCommand, "TRAINING_TRAINER_COMMAND"));
        for (String entry : moreCommands.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("TRAINING_TRAINER_COMMANDS: '" + entry.trim()
                        + "' is not model_type=command");
            }
            commands.put(entry.substring(0, equals).trim(), split(entry.substring(equals + 1), "TRAINING_TRAINER_COMMANDS"));
        }
    }

    private static List<String> split(String command, String setting) {
        List<String> parts = Arrays.asList(command.trim().split("\\s+"));
        if (command.isBlank()) {
            throw new IllegalArgumentException(setting + " is empty");
        }
        return parts;
    }

    /** The command line for {@code modelType}, {@code ${self}} expanded; empty when no trainer is configured. */
    public Optional<List<String>> forModelType(String modelType) {
        List<String> configured = commands.get(modelType);
        if (configured == null) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        for (String part : configured) {
            if (ChildCommand.SELF.equals(part)) {
                command.addAll(ChildCommand.self(jvmOptions));
            } else {
                command.add(part);
            }
        }
        return Optional.of(command);
    }

    public List<String> modelTypes() {
        return List.copyOf(commands.keySet());
    }
}
