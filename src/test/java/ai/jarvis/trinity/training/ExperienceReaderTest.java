package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets in both formats, every kind of bad input with the message a user sees, and the atomic writer. */
class ExperienceReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void readsJsonLinesSkippingBlankLinesAndKeepingMetadata() throws IOException {
        Path file = write("data.jsonl", """
                {"input": "What is 2+2?", "output": "4", "reward": 1, "id": "q-1", "source": {"app": "chat"}}

                {"input": "Capital of France?", "output": "Paris", "reward": 0.5, "id": 7}
                   \t
                {"input": "Hello", "output": "", "reward": -1}
                """);

        List<Experience> experiences = readAll(file);

        assertThat(experiences).extracting(Experience::id).containsExactly("q-1", "7", null);
        assertThat(experiences).extracting(Experience::input)
                .containsExactly("What is 2+2?", "Capital of France?", "Hello");
        assertThat(experiences).extracting(Experience::output).containsExactly("4", "Paris", "");
        assertThat(experiences).extracting(Experience::reward).containsExactly(1.0, 0.5, -1.0);
        assertThat(experiences.get(0).fields().path("source").path("app").asText()).isEqualTo("chat");
        assertThat(ExperienceReader.validate(file)).isEqualTo(3);
    }

    @Test
    void readsAJsonArrayOneObjectAtATime() throws IOException {
        Path file = write("data.json", """
                [
                  {"input": "a", "output": "b", "reward": 0.25, "tags": ["x"]},
                  {"input": "c", "output": "d", "reward": 2}
                ]
                """);

        try (ExperienceReader reader = ExperienceReader.open(file)) {
            assertThat(reader.next().fields().path("tags").get(0).asText()).isEqualTo("x");
            assertThat(reader.count()).isEqualTo(1);
            assertThat(reader.line()).isEqualTo(2);
            assertThat(reader.next().input()).isEqualTo("c");
            assertThat(reader.hasNext()).isFalse();
            assertThat(reader.count()).isEqualTo(2);
        }
    }

    @Test
    void readsAnyStreamUnderTheGivenName() {
        byte[] content = "{\"input\": \"x\", \"output\": \"y\", \"reward\": 1}".getBytes(StandardCharsets.UTF_8);
        try (ExperienceReader reader = ExperienceReader.of(new ByteArrayInputStream(content), "upload")) {
            assertThat(reader.next().output()).isEqualTo("y");
            assertThat(reader.sourceName()).isEqualTo("upload");
        }
    }

    @Test
    void textThatIsNotJsonNamesLineAndExperience() throws IOException {
        Path file = write("bad.jsonl", """
                {"input": "a", "output": "b", "reward": 1}
                this is not json
                """);

        assertThatThrownBy(() -> ExperienceReader.validate(file))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessageStartingWith(file + " line 2: experience 2: not JSON: Unrecognized token 'this'")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("Source:");
    }

    @Test
    void aTruncatedObjectIsNotJson() throws IOException {
        Path file = write("cut.jsonl", "{\"input\": \"a\", \"output\": \"b\", \"reward\": 1}\n{\"input\": \"a\", \"outp");

        assertThatThrownBy(() -> ExperienceReader.validate(file))
                .hasMessageStartingWith(file + " line 2: experience 2: not JSON: Unexpected end-of-input")
                .hasMessageNotContaining("Source:");
    }

    @Test
    void anUnclosedArrayIsNotJson() throws IOException {
        Path file = write("cut.json", "[{\"input\": \"a\", \"output\": \"b\", \"reward\": 1},\n");

        assertThatThrownBy(() -> ExperienceReader.validate(file))
                .hasMessageStartingWith(file + " line 2: experience 2: not JSON: Unexpected end-of-input");
    }

    @Test
    void valuesThatAreNotObjectsAreRefused() throws IOException {
        assertThatThrownBy(() -> ExperienceReader.validate(write("s.jsonl", "\"just a string\"\n")))
                .hasMessage(dir.resolve("s.jsonl") + " line 1: experience 1: expected JSON objects, found a string");
        assertThatThrownBy(() -> ExperienceReader.validate(write("n.json", "[{\"input\": \"a\", \"output\": \"b\","
                + " \"reward\": 1},\n 42]")))
                .hasMessage(dir.resolve("n.json") + " line 2: experience 2: expected JSON objects, found a number");
        assertThatThrownBy(() -> ExperienceReader.validate(write("a.json", "[[]]")))
                .hasMessageEndingWith("experience 1: expected JSON objects, found an array");
        assertThatThrownBy(() -> ExperienceReader.validate(write("after.json", "[]\n{}")))
                .hasMessageEndingWith("line 2: experience 1: unexpected content after the top-level array");
    }

    @Test
    void eachMissingOrMistypedFieldHasItsMessage() throws IOException {
        assertProblem("{\"output\": \"b\", \"reward\": 1}", "missing 'input'");
        assertProblem("{\"input\": \"  \", \"output\": \"b\", \"reward\": 1}", "'input' is blank");
        assertProblem("{\"input\": 3, \"output\": \"b\", \"reward\": 1}", "'input' must be a string");
        assertProblem("{\"input\": \"a\", \"reward\": 1}", "missing 'output'");
        assertProblem("{\"input\": \"a\", \"output\": null, \"reward\": 1}", "'output' must be a string");
        assertProblem("{\"input\": \"a\", \"output\": \"b\"}", "missing 'reward'");
        assertProblem("{\"input\": \"a\", \"output\": \"b\", \"reward\": \"high\"}", "'reward' must be a number");
        assertProblem("{\"input\": \"a\", \"output\": \"b\", \"reward\": 1e999}", "'reward' must be a finite number");
        assertProblem("{\"input\": \"a\", \"output\": \"b\", \"reward\": 1, \"id\": [1]}",
                "'id' must be a string or a number");
    }

    @Test
    void theProblemNamesTheLineAndNumberOfTheExperience() throws IOException {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            content.append("{\"input\": \"q").append(i).append("\", \"output\": \"a\", \"reward\": 1}\n\n");
        }
        content.append("{\"input\": \"q\",\n \"output\": \"a\", \"reward\": \"1\"}\n");
        Path file = write("data.jsonl", content.toString());

        assertThatThrownBy(() -> ExperienceReader.validate(file))
                .hasMessage(file + " line 13: experience 7: 'reward' must be a number");
    }

    @Test
    void emptyDatasetsHaveNoExperiences() throws IOException {
        Path emptyFile = write("empty.jsonl", "");
        Path blankLines = write("blank.jsonl", "\n\n  \n");
        Path emptyArray = write("empty.json", " [ ] ");

        assertThat(readAll(emptyFile)).isEmpty();
        assertThatThrownBy(() -> ExperienceReader.validate(emptyFile)).hasMessage(emptyFile + ": no experiences");
        assertThatThrownBy(() -> ExperienceReader.validate(blankLines)).hasMessage(blankLines + ": no experiences");
        assertThatThrownBy(() -> ExperienceReader.validate(emptyArray)).hasMessage(emptyArray + ": no experiences");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.jsonl");

        assertThatThrownBy(() -> ExperienceReader.validate(missing))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void writerCommitsAtomicallyAndGivesIdsToExperiencesWithout() throws IOException {
        Path target = dir.resolve("out.jsonl");
        ObjectNode withMetadata = (ObjectNode) JSON.readTree(
                "{\"id\": 12, \"input\": \"q\", \"output\": \"a\", \"reward\": 0.5, \"meta\": {\"k\": [1, 2]}}");

        try (ExperienceWriter writer = ExperienceWriter.create(target)) {
            assertThat(writer.write(Experience.from(withMetadata, "test"))).isEqualTo("12");
            String assigned = writer.write(Experience.of("héllo", "wörld", 1));
            assertThat(assigned).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(target).doesNotExist();
            assertThat(dir.resolve("out.jsonl.tmp")).exists();
            writer.commit();

            assertThat(writer.count()).isEqualTo(2);
            assertThat(writer.bytes()).isEqualTo(Files.size(target));
            assertThat(writer.target()).isEqualTo(target);
        }

        assertThat(dir.resolve("out.jsonl.tmp")).doesNotExist();
        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.path("id").asText()).isEqualTo("12");
        assertThat(first.path("meta").path("k").get(1).asInt()).isEqualTo(2);
        List<Experience> readBack = readAll(target);
        assertThat(readBack.get(1).input()).isEqualTo("héllo");
        assertThat(readBack.get(1).id()).isNotBlank();
    }

    @Test
    void writerClosedWithoutCommitLeavesNothing() throws IOException {
        Path target = dir.resolve("never.jsonl");
        try (ExperienceWriter writer = ExperienceWriter.create(target)) {
            writer.write(Experience.of("q", "a", 1));
        }

        assertThat(target).doesNotExist();
        assertThat(dir.resolve("never.jsonl.tmp")).doesNotExist();
    }

    @Test
    void writerReplacesAnExistingTarget() throws IOException {
        Path target = write("data.jsonl", "old content");
        try (ExperienceWriter writer = ExperienceWriter.create(target)) {
            writer.write(Experience.of("q", "a", 1));
            writer.commit();
        }

        assertThat(ExperienceReader.validate(target)).isEqualTo(1);
    }

    private void assertProblem(String object, String problem) throws IOException {
        Path file = write("one.jsonl", "{\"input\": \"ok\", \"output\": \"fine\", \"reward\": 1}\n" + object + "\n");
        assertThatThrownBy(() -> ExperienceReader.validate(file))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessage(file + " line 2: experience 2: " + problem);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static List<Experience> readAll(Path file) {
        List<Experience> experiences = new ArrayList<>();
        try (ExperienceReader reader = ExperienceReader.open(file)) {
            reader.forEachRemaining(experiences::add);
        }
        return experiences;
    }
}
