package ai.jarvis.trinity.cli;

import ai.jarvis.trinity.registry.ProcessIdentity;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A dataset file handed to the hub as a training job. On the hub's machine it goes through the drop-box: copied into
 * {@code <staging>/cli/} under a hidden {@code .part} name, fsynced, renamed (the drop-box's write-then-rename
 * protocol), then started with {@code POST /api/training/start {"dataset_path": "cli/<name>"}} so that the job id
 * comes back at once; a sub-folder, because the watcher would start a file at the top of the staging dir by itself.
 * Elsewhere the experiences are streamed in the request body as {@code {"experiences": [...]}}.
 */
final class DatasetSubmission {

    static final String CLI_FOLDER = "cli";

    private final HubClient hub;
    private final Path file;
    private final ObjectNode options;

    DatasetSubmission(HubClient hub, Path file, ObjectNode options) {
        this.hub = hub;
        this.file = file;
        this.options = options;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliFailure(file + ": no such readable file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".jsonl") && !name.endsWith(".json")) {
            throw new CliFailure(file + ": a dataset is a .jsonl file (one experience per line) or a .json array");
        }
    }

    /**
     * The hub's drop-box, when the hub runs on this machine and it can be written: the dropbox_dir of the hub's own
     * registry entry.
     */
    Optional<Path> localDropbox() {
        String machine = ProcessIdentity.machineId();
        for (JsonNode entry : hub.get("/api/services")) {
            JsonNode metadata = entry.path("metadata");
            if ("hub".equals(metadata.path("role").asText()) && machine.equals(entry.path("host").asText())
                    && metadata.hasNonNull("dropbox_dir")) {
                Path dropbox = Path.of(metadata.get("dropbox_dir").asText());
                if (Files.isDirectory(dropbox) && Files.isWritable(dropbox)) {
                    return Optional.of(dropbox);
                }
            }
        }
        return Optional.empty();
    }

    JsonNode throughDropbox(Path dropbox) {
        Path folder = dropbox.resolve(CLI_FOLDER);
        String name = UUID.randomUUID().toString().substring(0, 8) + "-" + file.getFileName();
        Path part = folder.resolve("." + name + ".part");
        Path dropped = folder.resolve(name);
        try {
            Files.createDirectories(folder);
            Files.copy(file, part, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            Files.move(part, dropped, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(part);
            throw new CliFailure("cannot copy " + file + " into the drop-box " + folder + ": " + e.getMessage());
        }
        ObjectNode request = options.deepCopy().put("dataset_path", CLI_FOLDER + "/" + name);
        try {
            return hub.post("/api/training/start", request);
        } catch (CliFailure e) {
            deleteQuietly(dropped);
            throw e;
        }
    }

    /** {@code {"experiences": [...]}} written to a temp file as the dataset is read, then streamed to the hub. */
    JsonNode inline() {
        Path body;
        try {
            body = Files.createTempFile("trinity-train-", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            writeRequest(body);
            return hub.postFile("/api/training/start", body);
        } finally {
            deleteQuietly(body);
        }
    }

    private void writeRequest(Path body) {
        try (JsonParser in = JsonOutput.JSON.createParser(file.toFile());
             JsonGenerator out = JsonOutput.JSON.createGenerator(body.toFile(), JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeArrayFieldStart("experiences");
            JsonToken first = in.nextToken();
            if (first == JsonToken.START_ARRAY) {
                while (in.nextToken() != JsonToken.END_ARRAY) {
                    out.copyCurrentStructure(in);
                }
            } else {
                for (JsonToken token = first; token != null; token = in.nextToken()) {
                    out.copyCurrentStructure(in);
                }
            }
            out.writeEndArray();
            Iterator<Map.Entry<String, JsonNode>> option = options.fields();
            while (option.hasNext()) {
                Map.Entry<String, JsonNode> field = option.next();
                out.writeFieldName(field.getKey());
                out.writeTree(field.getValue());
            }
            out.writeEndObject();
        } catch (JsonProcessingException e) {
            throw new CliFailure(file + ": line " + e.getLocation().getLineNr() + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CliFailure("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover in the CLI's own folder or the temp dir; nothing else depends on it.
        }
    }
}
