package ai.jarvis.trinity.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The models a reactor kept in TRINITY_MODELS_DIR (one folder per job: models/&lt;job_id&gt;/&lt;file&gt;). */
final class ModelFiles {

    private ModelFiles() {
    }

    /** The newest model file: {@code path}, {@code size_bytes}, {@code modified}; null when there is none yet. */
    static Map<String, Object> newest(Path modelsDir) throws IOException {
        if (!Files.isDirectory(modelsDir)) {
            return null;
        }
        Optional<Path> newest;
        try (Stream<Path> files = Files.walk(modelsDir, 2)) {
            // A reactor writes <file>.tmp and renames it: only finished files count.
            newest = files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().endsWith(".tmp"))
                    .max(Comparator.comparingLong(file -> file.toFile().lastModified()));
        }
        if (newest.isEmpty()) {
            return null;
        }
        Path file = newest.get();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("path", file.toAbsolutePath().toString());
        model.put("size_bytes", Files.size(file));
        model.put("modified", Instant.ofEpochMilli(Files.getLastModifiedTime(file).toMillis()).toString());
        return model;
    }
}
