package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The drop-box (TRAINING_DROPBOX_DIR). Its top level is the users' drop zone; {@code jobs/} holds the datasets of
 * accepted jobs until a reactor takes them, {@code .failed/} the drops that could not be read, each with a
 * {@code <name>.reason} file, and {@code pipeline/} the data pipeline's batches. The watcher scans the top level only,
 * so none of these folders is ever picked up again.
 */
public final class StagingArea {

    public static final String JOBS = "jobs";
    public static final String FAILED = ".failed";
    public static final String PIPELINE = "pipeline";

    private final Path root;

    public StagingArea(Path root) {
        try {
            Files.createDirectories(root.resolve(JOBS));
            Files.createDirectories(root.resolve(FAILED));
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the staging dir " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Where the coordinator writes the dataset of a job. */
    public Path jobDataset(String jobId, String extension) {
        return root.resolve(JOBS).resolve(jobId + extension);
    }

    /**
     * The dataset file a request names, relative to the staging dir or absolute; 400 when it resolves (through
     * {@code ..} or symbolic links) to anything outside the staging dir or inside {@code jobs/}, {@code .failed/} or
     * {@code pipeline/} (another job's dataset, or the pipeline's batches, must not be taken), or is not a readable .json/.jsonl file.
     * Nothing outside the staging dir is read, not even to say whether it exists.
     */
    public Path resolveInside(String datasetPath) {
        if (datasetPath == null || datasetPath.isBlank()) {
            throw ApiException.badRequest("invalid dataset_path", "dataset_path must name a file inside the staging dir " + root);
        }
        Path asked;
        try {
            asked = root.resolve(datasetPath).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw ApiException.badRequest("invalid dataset_path", e.getMessage());
        }
        if (!asked.startsWith(root)) {
            throw outside(datasetPath);
        }
        Path real;
        try {
            real = asked.toRealPath();
        } catch (NoSuchFileException e) {
            throw ApiException.badRequest("dataset not found", datasetPath + " does not exist in the staging dir " + root);
        } catch (IOException e) {
            throw ApiException.badRequest("dataset not readable", datasetPath + ": " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw outside(datasetPath);
        }
        if (real.startsWith(root.resolve(JOBS)) || real.startsWith(root.resolve(FAILED))
                || real.startsWith(root.resolve(PIPELINE))) {
            throw ApiException.badRequest("invalid dataset_path", datasetPath + " is in " + JOBS + "/, " + FAILED
                    + "/ or " + PIPELINE + "/, which hold the datasets of accepted jobs, rejected drops and the data "
                    + "pipeline's batches; drop a new file instead");
        }
        if (!Files.isRegularFile(real)) {
            throw ApiException.badRequest("invalid dataset_path", datasetPath + " is not a file");
        }
        extension(real);
        return real;
    }

    private ApiException outside(String datasetPath) {
        return ApiException.badRequest("dataset_path outside the staging dir",
                datasetPath + " does not resolve to a file inside " + root);
    }

    /** ".json" or ".jsonl"; 400 for any other kind of file. */
    public static String extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            return ".jsonl";
        }
        if (name.endsWith(".json")) {
            return ".json";
        }
        throw ApiException.badRequest("unsupported dataset", file.getFileName() + ": a dataset is a .json (array) or .jsonl file");
    }

    /** Moves an accepted drop into {@code jobs/}, atomically: the watcher never sees it twice. */
    public Path takeForJob(Path file, String jobId) {
        Path target = jobDataset(jobId, extension(file));
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (NoSuchFileException e) {
            throw new ApiException(409, "dataset already taken", file.getFileName() + " was moved away (by the staging watcher?)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " to " + target, e);
        }
    }

    private static Path reasonFile(Path rejected) {
        return rejected.resolveSibling(rejected.getFileName() + ".reason");
    }

    /** Moves a drop that cannot be used to {@code .failed/}, beside a {@code <name>.reason} file that says why. */
    public Path reject(Path file, String reason) {
        Path failed = root.resolve(FAILED);
        String name = file.getFileName().toString();
        Path target = failed.resolve(name);
        for (int n = 1; Files.exists(target) || Files.exists(reasonFile(target)); n++) {
            target = failed.resolve(name + "." + n);
        }
        try {
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, target);
            }
            Files.writeString(reasonFile(target), reason + System.lineSeparator(), StandardCharsets.UTF_8);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " to " + failed, e);
        }
    }
}
