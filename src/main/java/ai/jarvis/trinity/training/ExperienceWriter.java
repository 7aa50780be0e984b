package ai.jarvis.trinity.training;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a dataset as JSON lines to {@code <target>.tmp}; {@link #commit()} makes it {@code target} in one atomic
 * rename, so readers never see half a dataset. Closing without a commit deletes the temporary file.
 */
public final class ExperienceWriter implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Set<String> OWN_FIELDS = Set.of("id", "input", "output", "reward");

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final BufferedOutputStream buffer;
    private final ByteCounter counter;
    private final JsonGenerator generator;
    private long count;
    private boolean committed;
    private boolean closed;

    private ExperienceWriter(Path target, Path temporary, FileChannel channel) throws IOException {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.buffer = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
        this.counter = new ByteCounter(buffer);
        this.generator = JSON.createGenerator((OutputStream) counter, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        generator.setRootValueSeparator(null);
    }

    public static ExperienceWriter create(Path target) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new ExperienceWriter(target, temporary, channel);
    }

    /**
     * Writes one line: the experience's fields, with its input, output and reward, and its id (a new random UUID
     * when it has none). Returns the id written.
     */
    public String write(Experience experience) throws IOException {
        ensureOpen();
        String id = experience.id() != null ? experience.id() : UUID.randomUUID().toString();
        generator.writeStartObject();
        generator.writeStringField("id", id);
        generator.writeStringField("input", experience.input());
        generator.writeStringField("output", experience.output());
        generator.writeNumberField("reward", experience.reward());
        for (Map.Entry<String, JsonNode> field : experience.fields().properties()) {
            if (!OWN_FIELDS.contains(field.getKey())) {
                generator.writeFieldName(field.getKey());
                generator.writeTree(field.getValue());
            }
        }
        generator.writeEndObject();
        generator.writeRaw('\n');
        // moves the generator's own buffer into ours, so bytes() is exact; nothing reaches the disk yet
        generator.flush();
        count++;
        return id;
    }

    /** Makes the written lines the content of the target file, durably (fsync of the file and of its folder). */
    public void commit() throws IOException {
        ensureOpen();
        generator.close();
        buffer.flush();
        channel.force(true);
        channel.close();
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        closed = true;
        syncFolder(target.toAbsolutePath().getParent());
    }

    /** The file the lines become on {@link #commit()}. */
    public Path target() {
        return target;
    }

    public long count() {
        return count;
    }

    public long bytes() {
        return counter.bytes;
    }

    /** Without a {@link #commit()} the temporary file is deleted and the target left as it was. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // a leftover .tmp is overwritten by the next writer of the same target
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the writer of " + target + " is " + (committed ? "committed" : "closed"));
        }
    }

    /** The rename is durable only once the folder entry is on disk; some platforms cannot open a folder to sync it. */
    private static void syncFolder(Path folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // the file itself is synced; only a power loss right now could undo the rename
        }
    }

    private static final class ByteCounter extends FilterOutputStream {
        private long bytes;

        ByteCounter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
        }
    }
}
