package ai.jarvis.trinity.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.jarvis.trinity.api.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class StagingAreaTest {

    private static final String OUTSIDE = "dataset_path outside the staging dir";
    private static final String DATASET = "{\"input\": \"hi\", \"output\": \"hello\", \"reward\": 1}\n";

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private StagingArea staging;
    private Path root;

    @BeforeEach
    void staging() {
        staging = new StagingArea(dir.resolve("staging"));
        root = staging.root();
    }

    @Test
    void theJobsAndFailedFoldersAreCreated() {
        assertThat(root.resolve(StagingArea.JOBS)).isDirectory();
        assertThat(root.resolve(StagingArea.FAILED)).isDirectory();
        assertThat(staging.jobDataset("job-1", ".jsonl")).isEqualTo(root.resolve("jobs/job-1.jsonl"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data.jsonl", "./data.jsonl", "sub/../data.jsonl", "sub/nested.json", "sub//nested.json"})
    void aRelativePathInsideResolvesToTheRealFile(String datasetPath) throws IOException {
        Path data = write("data.jsonl");
        Path nested = write("sub/nested.json");
        Path expected = datasetPath.contains("nested") ? nested : data;

        assertThat(staging.resolveInside(datasetPath)).isEqualTo(expected.toRealPath());
    }

    @Test
    void anAbsolutePathInsideResolvesToTheRealFile() throws IOException {
        Path data = write("sub/data.jsonl");

        assertThat(staging.resolveInside(data.toString())).isEqualTo(data.toRealPath());
        assertThat(staging.resolveInside(root + "/sub/../sub/data.jsonl")).isEqualTo(data.toRealPath());
    }

    @Test
    void aLinkInsideToAFileInsideResolvesToItsTarget() throws IOException {
        Path data = write("sub/data.jsonl");
        Files.createSymbolicLink(root.resolve("link.jsonl"), data);

        assertThat(staging.resolveInside("link.jsonl")).isEqualTo(data.toRealPath());
    }

    @Test
    void aParentPathIsOutside() throws IOException {
        Path beside = Files.writeString(dir.resolve("x.jsonl"), DATASET);

        assertRefused(() -> staging.resolveInside("../x.jsonl"), OUTSIDE);
        assertRefused(() -> staging.resolveInside("../staging/../x.jsonl"), OUTSIDE);
        assertThat(beside).hasContent(DATASET);
    }

    @Test
    void aPathClimbingOutOfASubfolderIsOutside() throws IOException {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(dir.resolve("x.jsonl"), DATASET);

        assertRefused(() -> staging.resolveInside("sub/../../x.jsonl"), OUTSIDE);
    }

    @Test
    void anAbsolutePathElsewhereIsOutsideAndLeftUntouched() throws IOException {
        Path secret = Files.writeString(elsewhere.resolve("secret.jsonl"), DATASET);
        FileTime modified = Files.getLastModifiedTime(secret);

        assertRefused(() -> staging.resolveInside(secret.toString()), OUTSIDE);
        assertRefused(() -> staging.resolveInside(elsewhere.resolve("missing.jsonl").toString()), OUTSIDE);

        assertThat(secret).hasContent(DATASET);
        assertThat(Files.getLastModifiedTime(secret)).isEqualTo(modified);
        assertThat(elsewhere).isDirectoryContaining(p -> p.equals(secret));
        assertThat(listed(root)).containsExactlyInAnyOrder(StagingArea.JOBS, StagingArea.FAILED);
    }

    @Test
    void aLinkInsideToAFileElsewhereIsOutside() throws IOException {
        Path secret = Files.writeString(elsewhere.resolve("secret.jsonl"), DATASET);
        Files.createSymbolicLink(root.resolve("innocent.jsonl"), secret);

        assertRefused(() -> staging.resolveInside("innocent.jsonl"), OUTSIDE);
        assertRefused(() -> staging.resolveInside(root.resolve("innocent.jsonl").toString()), OUTSIDE);
        assertThat(secret).hasContent(DATASET);
    }

    @Test
    void aFileInALinkedFolderElsewhereIsOutside() throws IOException {
        Path secret = Files.writeString(elsewhere.resolve("secret.jsonl"), DATASET);
        Files.createSymbolicLink(root.resolve("shared"), elsewhere);

        assertRefused(() -> staging.resolveInside("shared/secret.jsonl"), OUTSIDE);
        assertThat(secret).hasContent(DATASET);
    }

    @Test
    void aMissingFileIsNotFound() {
        assertRefused(() -> staging.resolveInside("missing.jsonl"), "dataset not found");
        assertRefused(() -> staging.resolveInside("sub/missing.jsonl"), "dataset not found");
    }

    @Test
    void aFolderIsNotADataset() throws IOException {
        Files.createDirectories(root.resolve("folder.jsonl"));

        assertRefused(() -> staging.resolveInside("folder.jsonl"), "invalid dataset_path");
        assertRefused(() -> staging.resolveInside("."), "invalid dataset_path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"notes.txt", "data.jsonl.bak", "data", "data.csv"})
    void aFileOfAnotherKindIsUnsupported(String name) throws IOException {
        write(name);

        assertRefused(() -> staging.resolveInside(name), "unsupported dataset");
    }

    @Test
    void theExtensionIsRecognisedWhateverItsCase() throws IOException {
        Path upper = write("DATA.JSONL");

        assertThat(staging.resolveInside("DATA.JSONL")).isEqualTo(upper.toRealPath());
        assertThat(StagingArea.extension(upper)).isEqualTo(".jsonl");
        assertThat(StagingArea.extension(Path.of("array.Json"))).isEqualTo(".json");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t"})
    void aBlankPathIsInvalid(String datasetPath) {
        assertRefused(() -> staging.resolveInside(datasetPath), "invalid dataset_path");
    }

    @Test
    void aPathWithANulCharacterIsInvalid() {
        assertRefused(() -> staging.resolveInside("data\0.jsonl"), "invalid dataset_path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobs/job-1.jsonl", ".failed/bad.jsonl", "sub/../jobs/job-1.jsonl",
            "pipeline/pending/batch-1.jsonl"})
    void theDatasetOfAnAcceptedJobARejectedDropOrAPipelineBatchCannotBeNamed(String datasetPath) throws IOException {
        Path taken = write("jobs/job-1.jsonl");
        Path rejected = write(".failed/bad.jsonl");
        Path batch = write("pipeline/pending/batch-1.jsonl");

        assertRefused(() -> staging.resolveInside(datasetPath), "invalid dataset_path");

        assertThat(taken).hasContent(DATASET);
        assertThat(rejected).hasContent(DATASET);
        assertThat(batch).hasContent(DATASET);
    }

    @Test
    void takingADropMovesItIntoTheJobsFolderUnderTheJobId() throws IOException {
        Path drop = write("drop.jsonl");
        Path array = write("array.JSON");

        Path taken = staging.takeForJob(drop, "job-1");
        Path takenArray = staging.takeForJob(array, "job-2");

        assertThat(taken).isEqualTo(root.resolve("jobs/job-1.jsonl")).hasContent(DATASET);
        assertThat(takenArray).isEqualTo(root.resolve("jobs/job-2.json")).hasContent(DATASET);
        assertThat(drop).doesNotExist();
        assertThat(array).doesNotExist();
    }

    @Test
    void aDropCanBeTakenOnlyOnce() throws IOException {
        Path drop = write("drop.jsonl");
        staging.takeForJob(drop, "job-1");

        assertThatThrownBy(() -> staging.takeForJob(drop, "job-2"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.error()).isEqualTo("dataset already taken");
                });
        assertThat(root.resolve("jobs/job-1.jsonl")).hasContent(DATASET);
        assertThat(root.resolve("jobs/job-2.jsonl")).doesNotExist();
    }

    @Test
    void aRejectedDropIsMovedAsideWithItsReason() throws IOException {
        Path drop = write("bad.jsonl");

        Path failed = staging.reject(drop, "invalid dataset: line 1 is not JSON");

        assertThat(failed).isEqualTo(root.resolve(".failed/bad.jsonl")).hasContent(DATASET);
        assertThat(root.resolve(".failed/bad.jsonl.reason"))
                .hasContent("invalid dataset: line 1 is not JSON" + System.lineSeparator());
        assertThat(drop).doesNotExist();
    }

    @Test
    void aSecondRejectedDropOfTheSameNameKeepsTheFirst() throws IOException {
        Path first = staging.reject(write("bad.jsonl"), "first reason");
        Files.writeString(root.resolve("bad.jsonl"), "second content");

        Path second = staging.reject(root.resolve("bad.jsonl"), "second reason");

        assertThat(second).isNotEqualTo(first).hasParent(root.resolve(StagingArea.FAILED)).hasContent("second content");
        assertThat(first).hasContent(DATASET);
        assertThat(root.resolve(".failed/bad.jsonl.reason")).hasContent("first reason" + System.lineSeparator());
        assertThat(second.resolveSibling(second.getFileName() + ".reason"))
                .hasContent("second reason" + System.lineSeparator());
        assertThat(listed(root.resolve(StagingArea.FAILED))).hasSize(4);
        assertThat(root.resolve("bad.jsonl")).doesNotExist();
    }

    private Path write(String name) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, DATASET);
    }

    private static void assertRefused(ThrowingCallable call, String error) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.error()).isEqualTo(error);
        });
    }

    private static List<String> listed(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
