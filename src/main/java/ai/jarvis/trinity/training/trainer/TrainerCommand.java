package ai.jarvis.trinity.training.trainer;

import ai.jarvis.trinity.training.InvalidDatasetException;
import ai.jarvis.trinity.util.Causes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trinity-camel trainer}: the built-in trainer, run by Reactor-Core as a child process. Any trainer (a Python
 * script too) follows the same contract: the arguments (or the TRAINER_* variables), one JSON object per stdout
 * line for progress, the result as the last line, diagnostics on stderr, exit codes 0, 1 and 2.
 */
@Command(name = "trainer",
        hidden = true,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Trains a model on a dataset (JSON lines, or a JSON array, of {input, output, reward}).",
            "Progress: one JSON object per stdout line, e.g. {\"epoch\": 1, \"epochs\": 3, \"progress\": 0.3333,"
                    + " \"loss\": 0.52, ...}.",
            "The last line is the result: {\"status\": \"completed\", \"model_file\": \"model.json\","
                    + " \"capabilities\": [\"generate\"], \"metrics\": {...}}.",
            "Each option may come from its environment variable instead; the option wins."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the model is written; the last stdout line is the result",
            "1:bad dataset or config, or the training failed (one line on stderr)",
            "2:usage error"})
public final class TrainerCommand implements Callable<Integer> {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** Progress lines are plain ASCII whatever the console's encoding. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    @Option(names = "--dataset", paramLabel = "PATH", description = "the dataset file (TRAINER_DATASET)")
    private Path dataset;

    @Option(names = "--output", paramLabel = "DIR", description = "folder for the model file (TRAINER_OUTPUT_DIR)")
    private Path output;

    @Option(names = "--epochs", paramLabel = "N", description = "training passes, at least 1 (TRAINER_EPOCHS; 1)")
    private Integer epochs;

    @Option(names = "--config", paramLabel = "FILE",
            description = "a JSON object, e.g. {\"model_type\": \"retrieval\"} (TRAINER_CONFIG; none)")
    private Path config;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;

    public TrainerCommand() {
        this(System.getenv());
    }

    public TrainerCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Prints a usage error on one line; exit code 2. */
    public static int usageError(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("trainer: error: " + e.getMessage().replaceAll("\\s*\\R\\s*", " ") + " (try trainer --help)");
        err.flush();
        return EXIT_USAGE;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ParentProcessWatch.exitWhenGone(environment.get("TRINITY_PARENT_PID"), err);
        Path datasetFile = required(dataset, "--dataset", "TRAINER_DATASET");
        Path outputDir = required(output, "--output", "TRAINER_OUTPUT_DIR");
        int epochCount = epochCount();
        Path configFile = config != null ? config : pathFromEnvironment("TRAINER_CONFIG");
        try {
            checkModelType(readConfig(configFile));
            RetrievalTrainer.Result result = new RetrievalTrainer(datasetFile, outputDir, epochCount,
                    line -> printLine(out, line)).train();
            ObjectNode resultLine = JSON.createObjectNode()
                    .put("status", "completed")
                    .put("model_file", result.modelFile());
            resultLine.putArray("capabilities").add("generate");
            resultLine.set("metrics", result.metrics());
            printLine(out, resultLine);
            return 0;
        } catch (InvalidDatasetException | ModelFormatException | TrainerConfigException e) {
            return failure(err, e.getMessage());
        } catch (IOException e) {
            return failure(err, describe(e));
        } catch (RuntimeException e) {
            return failure(err, Causes.rootMessage(e));
        }
    }

    private Path required(Path option, String name, String variable) {
        if (option != null) {
            return option;
        }
        Path fromEnvironment = pathFromEnvironment(variable);
        if (fromEnvironment == null) {
            throw new ParameterException(spec.commandLine(), "missing " + name + " (or " + variable + ")");
        }
        return fromEnvironment;
    }

    private int epochCount() {
        int count = epochs != null ? epochs : epochsFromEnvironment();
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, not " + count);
        }
        return count;
    }

    private int epochsFromEnvironment() {
        String value = environment.get("TRAINER_EPOCHS");
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "TRAINER_EPOCHS must be a whole number, not '"
                    + value + "'");
        }
    }

    private Path pathFromEnvironment(String variable) {
        String value = environment.get(variable);
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }

    /** No config file is the empty config; a named one must exist and hold a JSON object. */
    private static JsonNode readConfig(Path file) {
        if (file == null) {
            return JSON.createObjectNode();
        }
        JsonNode config;
        try {
            config = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new TrainerConfigException("config " + file + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TrainerConfigException("config " + file + ": " + describe(e));
        }
        if (config == null || !config.isObject()) {
            throw new TrainerConfigException("config " + file + ": must hold a JSON object");
        }
        return config;
    }

    private static void checkModelType(JsonNode config) {
        JsonNode modelType = config.path("model_type");
        if (!modelType.isMissingNode() && !RetrievalModel.MODEL_TYPE.equals(modelType.asText())) {
            throw new TrainerConfigException("config: model_type '" + modelType.asText()
                    + "' is not built in (built in: " + RetrievalModel.MODEL_TYPE + ")");
        }
    }

    private static void printLine(PrintWriter out, ObjectNode line) {
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        out.flush();
    }

    private static int failure(PrintWriter err, String message) {
        err.println("trainer: error: " + message.replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return EXIT_FAILURE;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + ": no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return e.getMessage() + ": permission denied";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getFile() + ": " + fileSystem.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A config file that cannot be used. */
    private static final class TrainerConfigException extends RuntimeException {
        TrainerConfigException(String message) {
            super(message);
        }
    }
}
