package ai.jarvis.trinity.training.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.jarvis.trinity.Launcher;
import ai.jarvis.trinity.testing.ConsoleCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The built-in trainer through the launcher, as Reactor-Core runs it: its output lines, model file and exit codes. */
class RetrievalTrainerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOPICS = List.of("apple", "banana", "cherry", "dragonfruit", "elderberry",
            "fig", "grape", "honeydew", "kiwi", "lemon", "mango", "nectarine", "orange", "papaya", "quince",
            "raspberry", "strawberry", "tangerine", "ugli", "vanilla", "watermelon", "yam", "zucchini", "avocado",
            "blueberry", "coconut", "date", "eggplant", "guava", "jackfruit");

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void learnsTheBestRewardedAnswersAndTheHeldOutLossNeverRises() throws IOException {
        Path dataset = questionsDataset();
        Path output = dir.resolve("out");

        int exitCode = Launcher.run("trainer", "--dataset", dataset.toString(), "--output", output.toString(),
                "--epochs", "3");

        assertThat(exitCode).as(stderr()).isZero();
        assertThat(stderr()).isEmpty();
        List<JsonNode> lines = stdoutLines();
        assertThat(lines).hasSize(4);
        List<JsonNode> progress = lines.subList(0, 3);
        assertThat(progress).extracting(line -> line.path("epoch").asInt()).containsExactly(1, 2, 3);
        assertThat(progress).allSatisfy(line -> {
            assertThat(line.path("epochs").asInt()).isEqualTo(3);
            assertThat(line.path("evaluated_on").asText()).isEqualTo("heldout");
        });
        assertThat(progress).extracting(line -> line.path("progress").asDouble()).containsExactly(0.3333, 0.6667, 1.0);
        List<Double> losses = progress.stream().map(line -> line.path("loss").asDouble()).toList();
        assertThat(losses.get(1)).isLessThanOrEqualTo(losses.get(0));
        assertThat(losses.get(2)).isLessThanOrEqualTo(losses.get(1));
        assertThat(losses.get(0)).isGreaterThan(0.3);
        assertThat(losses.get(2)).isZero();

        JsonNode result = lines.get(3);
        assertThat(result.path("status").asText()).isEqualTo("completed");
        assertThat(result.path("model_file").asText()).isEqualTo("model.json");
        JsonNode metrics = result.path("metrics");
        assertThat(metrics.path("heldout_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(metrics.path("heldout_size").asLong()).isPositive();
        assertThat(metrics.path("heldout_size").asLong() + metrics.path("train_size").asLong()).isEqualTo(300);
        assertThat(metrics.path("entries").asInt()).isEqualTo(TOPICS.size());
        assertThat(metrics.path("vocabulary").asInt()).isGreaterThan(TOPICS.size());
        assertThat(metrics.path("mean_reward").asDouble()).isBetween(0.1, 1.0);
        assertThat(metrics.path("epochs").asInt()).isEqualTo(3);

        RetrievalModel model = RetrievalModel.load(output.resolve("model.json"));
        assertThat(model.metrics()).isEqualTo(metrics);
        for (String topic : TOPICS) {
            RetrievalModel.Answer answer = model.answer("I forgot the " + topic.toUpperCase() + " password... reset?");
            assertThat(answer.answer()).isEqualTo(goodAnswer(topic));
            assertThat(answer.matchedInput()).isEqualTo(question(topic));
            assertThat(answer.similarity()).isBetween(0.3, 0.99);
        }
        RetrievalModel.Answer exact = model.answer(question("fig").toLowerCase().replace("?", " !"));
        assertThat(exact.similarity()).isEqualTo(1.0);
        assertThat(exact.answer()).isEqualTo(goodAnswer("fig"));
        assertThat(output).isDirectoryContaining(path -> path.getFileName().toString().equals("model.json"));
        try (var files = Files.list(output)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void aSmallDatasetIsScoredOnItsTrainingExperiences() throws IOException {
        Path dataset = Files.writeString(dir.resolve("small.jsonl"), """
                {"input": "What is Java?", "output": "A language", "reward": 1}
                {"input": "what is java", "output": "Coffee", "reward": 0.1}
                {"input": "Who wrote Hamlet?", "output": "Shakespeare", "reward": 1}
                """);

        assertThat(Launcher.run("trainer", "--dataset", dataset.toString(), "--output", dir.resolve("m").toString()))
                .isZero();

        List<JsonNode> lines = stdoutLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("evaluated_on").asText()).isEqualTo("train");
        JsonNode metrics = lines.get(1).path("metrics");
        assertThat(metrics.path("heldout_size").asInt()).isZero();
        assertThat(metrics.path("heldout_accuracy").isNull()).isTrue();
        assertThat(metrics.path("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(metrics.path("entries").asInt()).isEqualTo(2);
    }

    @Test
    void aBadDatasetExitsOneWithOneLineAndNoModel() throws IOException {
        Path dataset = Files.writeString(dir.resolve("bad.jsonl"), """
                {"input": "q", "output": "a", "reward": 1}
                {"input": "q", "output": "a", "reward": "lots"}
                """);
        Path output = dir.resolve("out");

        int exitCode = Launcher.run("trainer", "--dataset", dataset.toString(), "--output", output.toString());

        assertThat(exitCode).isEqualTo(TrainerCommand.EXIT_FAILURE);
        assertThat(stderr().strip())
                .isEqualTo("trainer: error: " + dataset + " line 2: experience 2: 'reward' must be a number");
        assertThat(console.out()).isEmpty();
        assertThat(output).doesNotExist();
    }

    @Test
    void aMissingDatasetOrBadConfigExitsOne() throws IOException {
        Path dataset = questionsDataset();
        Path output = dir.resolve("out");
        Path otherModel = Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");

        assertThat(Launcher.run("trainer", "--dataset", dir.resolve("none.jsonl").toString(), "--output", "x"))
                .isEqualTo(1);
        assertThat(Launcher.run("trainer", "--dataset", dataset.toString(), "--output", output.toString(),
                "--config", otherModel.toString())).isEqualTo(1);
        assertThat(Launcher.run("trainer", "--dataset", dataset.toString(), "--output", output.toString(),
                "--config", dir.resolve("absent.json").toString())).isEqualTo(1);

        assertThat(stderr().lines().toList()).containsExactly(
                "trainer: error: " + dir.resolve("none.jsonl") + ": no such file",
                "trainer: error: config: model_type 'llama' is not built in (built in: retrieval)",
                "trainer: error: config " + dir.resolve("absent.json") + ": " + dir.resolve("absent.json")
                        + ": no such file or folder");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Launcher.run("trainer", "--frobnicate")).isEqualTo(TrainerCommand.EXIT_USAGE);
        assertThat(Launcher.run("trainer", "--output", "x")).isEqualTo(TrainerCommand.EXIT_USAGE);
        assertThat(Launcher.run("trainer", "--dataset", "d", "--output", "x", "--epochs", "0"))
                .isEqualTo(TrainerCommand.EXIT_USAGE);
        assertThat(Launcher.run("trainer", "--dataset", "d", "--output", "x", "--epochs", "many"))
                .isEqualTo(TrainerCommand.EXIT_USAGE);

        assertThat(stderr().lines()).hasSize(4).allSatisfy(line -> assertThat(line).startsWith("trainer: error: "));
        assertThat(stderr()).contains("'--frobnicate'").contains("missing --dataset (or TRAINER_DATASET)");
        assertThat(Launcher.run("trainer", "--help")).isZero();
        assertThat(console.out()).contains("--dataset=PATH").contains("TRAINER_EPOCHS");
        assertThat(Launcher.run("--help")).isZero();
        String mainHelp = console.out().substring(console.out().indexOf("Usage: trinity-camel [-hV] [ROLE]"));
        assertThat(mainHelp).contains("train ").doesNotContain("trainer");
    }

    @Test
    void environmentVariablesStandInForMissingFlagsAndFlagsWin() throws IOException {
        Path dataset = questionsDataset();
        Path config = Files.writeString(dir.resolve("config.json"), "{}");
        Map<String, String> environment = Map.of(
                "TRAINER_DATASET", dataset.toString(),
                "TRAINER_OUTPUT_DIR", dir.resolve("from-env").toString(),
                "TRAINER_EPOCHS", "2",
                "TRAINER_CONFIG", config.toString());

        StringWriter fromEnvironment = new StringWriter();
        assertThat(train(environment, fromEnvironment)).isZero();
        assertThat(fromEnvironment.toString().lines()).hasSize(3);
        assertThat(dir.resolve("from-env/model.json")).exists();

        StringWriter withFlag = new StringWriter();
        assertThat(train(environment, withFlag, "--epochs", "4", "--output", dir.resolve("flag").toString())).isZero();
        assertThat(withFlag.toString().lines()).hasSize(5);
        assertThat(dir.resolve("flag/model.json")).exists();
    }

    @Test
    void modelFileOfAnotherFormatIsRefused() throws IOException {
        Path other = Files.writeString(dir.resolve("other.json"), "{\"format\": \"onnx/2\", \"entries\": []}");
        Path noFormat = Files.writeString(dir.resolve("none.json"), "{\"entries\": []}");
        Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"format\": ");

        assertThatThrownBy(() -> RetrievalModel.load(other)).isInstanceOf(ModelFormatException.class)
                .hasMessage(other + ": not a trinity-retrieval/1 model (format: onnx/2)");
        assertThatThrownBy(() -> RetrievalModel.load(noFormat)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no 'format'");
        assertThatThrownBy(() -> RetrievalModel.load(notJson)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(notJson + ": not JSON");
    }

    @Test
    void answersNothingWhenEmptyOrWhenNoWordIsShared() {
        RetrievalModel model = new RetrievalModel();
        assertThat(model.answer("anything").answer()).isNull();

        model.add("How tall is the Eiffel tower?", "330 m", 1);
        model.add("How tall is the Eiffel tower", "300 m", 0.2);
        model.add("Boiling point of water", "100 C", 1);

        assertThat(model.size()).isEqualTo(2);
        assertThat(model.answer("quantum chromodynamics").answer()).isNull();
        assertThat(model.answer("?!").answer()).isNull();
        assertThat(model.answer("eiffel height").answer()).isEqualTo("330 m");
        assertThat(model.answer("water boiling").matchedInput()).isEqualTo("Boiling point of water");
    }

    private int train(Map<String, String> environment, StringWriter stdout, String... args) {
        return new CommandLine(new TrainerCommand(environment))
                .setOut(new PrintWriter(stdout))
                .setParameterExceptionHandler(TrainerCommand::usageError)
                .execute(args);
    }

    /**
     * 300 experiences over 30 questions, one question after another: each has its good answer four times (reward
     * 1.0) among six bad ones (0.1). An epoch adds questions, and the model never forgets one: the loss cannot rise.
     */
    private Path questionsDataset() throws IOException {
        List<String> lines = new ArrayList<>();
        int id = 0;
        for (String topic : TOPICS) {
            for (int i = 0; i < 10; i++) {
                boolean good = i % 3 == 1 || i == 9;
                lines.add(JSON.createObjectNode()
                        .put("id", "exp-" + id++)
                        .put("input", question(topic))
                        .put("output", good ? goodAnswer(topic) : "No idea, sorry (" + i + ")")
                        .put("reward", good ? 1.0 : 0.1)
                        .put("source", "test")
                        .toString());
            }
        }
        return Files.write(dir.resolve("questions.jsonl"), lines);
    }

    private static String question(String topic) {
        return "How do I reset my password for the " + topic + " service?";
    }

    private static String goodAnswer(String topic) {
        return "Open " + topic + " settings, choose Security, then Reset password.";
    }

    private List<JsonNode> stdoutLines() {
        return console.out().lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }).toList();
    }

    private String stderr() {
        return console.err();
    }
}
