package ai.jarvis.trinity.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The reactors' job work dirs (TRAINING_WORK_DIR/&lt;job_id&gt;): the dataset moved out of the drop-box
 * ({@code dataset.jsonl} or {@code dataset.json}), the trainer's output and log. Kept after a failure for a retry.
 */
public final class WorkDirs {

    private final Path root;

    public WorkDirs(Path root) {
        this.root = root;
    }

    public Path of(String jobId) {
        return root.resolve(jobId);
    }

    /** The dataset a reactor took into the job's work dir, if it is still there. */
    public Optional<Path> keptDataset(String jobId) {
        Path dir = of(jobId);
        return Stream.of("dataset.jsonl", "dataset.json").map(dir::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** Deletes the job's work dir with everything in it; false when there was none. */
    public boolean remove(String jobId) {
        return clear(of(jobId));
    }

    /** Deletes {@code dir} with everything in it; false when there was none. */
    static boolean clear(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
                    Files.deleteIfExists(visited);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work dir " + dir, e);
        }
    }
}
