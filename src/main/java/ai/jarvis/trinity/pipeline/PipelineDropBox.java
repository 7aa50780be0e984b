package ai.jarvis.trinity.pipeline;

import ai.jarvis.trinity.training.Experience;
import ai.jarvis.trinity.training.ExperienceReader;
import ai.jarvis.trinity.training.ExperienceWriter;
import ai.jarvis.trinity.training.StagingArea;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The pipeline's datasets in the drop-box, {@code staging/pipeline/} (below the users' drop zone, which the staging
 * watcher scans at its top level only): {@code pending/<batch>.jsonl}, one file per batch, written whole or not at all;
 * {@code claimed/<job>/}, the batches a job is being made from.
 */
final class PipelineDropBox {


    private final Path pending;
    private final Path claimed;

    PipelineDropBox(Path stagingDir) {
        Path root = stagingDir.resolve(StagingArea.PIPELINE);
        this.pending = root.resolve("pending");
        this.claimed = root.resolve("claimed");
        try {
            Files.createDirectories(pending);
            Files.createDirectories(claimed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + root, e);
        }
    }

    Path pendingDir() {
        return pending;
    }

    boolean hasPending(String batchId) {
        return Files.exists(pendingFile(batchId));
    }

    /** Writes the batch as JSON lines to a temporary file, fsyncs it and renames it into place. */
    void writePending(String batchId, List<String> experiences) {
        try (ExperienceWriter writer = ExperienceWriter.create(pendingFile(batchId))) {
            for (String json : experiences) {
                writer.write(Experience.from(ExperienceJson.parse(json), batchId));
            }
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write batch " + batchId, e);
        }
    }

    /** Moves the batches' files (those still pending) into the job's claim folder. */
    void claim(String jobId, List<String> batchIds) {
        Path folder = claimed.resolve(jobId);
        try {
            Files.createDirectories(folder);
            for (String batchId : batchIds) {
                Path file = pendingFile(batchId);
                if (Files.exists(file)) {
                    Files.move(file, folder.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            syncFolder(pending);
            syncFolder(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim batches for " + jobId, e);
        }
    }

    /** The batch files of a claim that are not there (neither pending nor claimed): someone removed them. */
    List<String> missing(String jobId, List<String> batchIds) {
        List<String> missing = new ArrayList<>();
        for (String batchId : batchIds) {
            if (!Files.exists(claimed.resolve(jobId).resolve(fileName(batchId)))) {
                missing.add(batchId);
            }
        }
        return missing;
    }

    /** The experiences of a claim, read one at a time from its files. */
    ClaimedExperiences claimedExperiences(String jobId) {
        try (Stream<Path> files = Files.list(claimed.resolve(jobId))) {
            return new ClaimedExperiences(files.filter(file -> file.getFileName().toString().endsWith(".jsonl"))
                    .sorted(Comparator.comparing(Path::getFileName)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the claim of " + jobId, e);
        }
    }

    /** The claim folder goes once its job exists (the job has its own copy of the dataset). */
    void release(String jobId) {
        Path folder = claimed.resolve(jobId);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
            Files.delete(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the claim of " + jobId, e);
        }
    }

    private Path pendingFile(String batchId) {
        return pending.resolve(fileName(batchId));
    }

    private static String fileName(String batchId) {
        return batchId + ".jsonl";
    }

    private static void syncFolder(Path folder) throws IOException {
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** The experiences of several files in turn; each file is closed when its last experience was read. */
    static final class ClaimedExperiences implements Iterator<Experience>, Closeable {
        private final Iterator<Path> files;
        private ExperienceReader current;

        ClaimedExperiences(List<Path> files) {
            this.files = files.iterator();
        }

        @Override
        public boolean hasNext() {
            while (current == null || !current.hasNext()) {
                close();
                if (!files.hasNext()) {
                    return false;
                }
                current = ExperienceReader.open(files.next());
            }
            return true;
        }

        @Override
        public Experience next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
