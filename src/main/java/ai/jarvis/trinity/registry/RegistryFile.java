package ai.jarvis.trinity.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code services.json}: a JSON object {@code {"services": {name: entry}}} that any language can read. Every
 * change holds an exclusive POSIX record lock ({@code fcntl}) on {@code services.json.lock} (plus an in-process
 * lock, since a JVM cannot take the same file lock twice), reads the file, changes it, writes a temp file beside
 * it, fsyncs it and renames it over the old one. Readers need no lock: a rename is atomic, so they see the old
 * file or the new one, never half of one.
 */
public final class RegistryFile {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryFile.class);
    private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final Path file;
    private final Path lockFile;
    private final ObjectMapper json = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public RegistryFile(Path directory) {
        this.file = directory.resolve("services.json").toAbsolutePath();
        this.lockFile = directory.resolve("services.json.lock").toAbsolutePath();
    }

    /** The services as the file has them now; an unreadable file counts as empty (and is set aside). */
    public Map<String, ServiceEntry> read() {
        try {
            return parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CorruptRegistryException e) {
            return update(services -> true);
        }
    }

    /**
     * Changes the file atomically: {@code change} gets the current services (modifiable) and says whether it
     * changed them; only then is the file written. Returns the services as they are afterwards.
     */
    public Map<String, ServiceEntry> update(Predicate<Map<String, ServiceEntry>> change) {
        ReentrantLock inProcess = IN_PROCESS_LOCKS.computeIfAbsent(lockFile, path -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Map<String, ServiceEntry> services = readForUpdate();
            if (change.test(services)) {
                write(services);
            }
            return services;
        } catch (IOException e) {
            throw new UncheckedIOException("registry " + file + ": " + e.getMessage(), e);
        } finally {
            inProcess.unlock();
        }
    }

    private Map<String, ServiceEntry> readForUpdate() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        }
        try {
            return parse(content);
        } catch (CorruptRegistryException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + LocalDateTime.now().format(STAMP));
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("Registry file {} was unreadable ({}); kept it as {} and started an empty registry",
                    file, e.getMessage(), aside.getFileName());
            return new TreeMap<>();
        }
    }

    private Map<String, ServiceEntry> parse(byte[] content) {
        if (content.length == 0) {
            throw new CorruptRegistryException("the file is empty");
        }
        try {
            RegistryDocument document = json.readValue(content, RegistryDocument.class);
            Map<String, ServiceEntry> services = new TreeMap<>();
            if (document != null && document.services != null) {
                document.services.forEach((name, entry) -> {
                    if (entry != null) {
                        entry.serviceName = name;
                        services.put(name, entry);
                    }
                });
            }
            return services;
        } catch (JsonProcessingException e) {
            throw new CorruptRegistryException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Map<String, ServiceEntry> services) throws IOException {
        RegistryDocument document = new RegistryDocument();
        document.services = new TreeMap<>(services);
        document.updatedAt = System.currentTimeMillis() / 1000.0;
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(json.writeValueAsBytes(document)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** Makes the rename itself durable. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be opened; the rename is still atomic.
        }
    }

    /** The whole file. */
    static final class RegistryDocument {
        @JsonProperty("services") Map<String, ServiceEntry> services;
        @JsonProperty("updated_at") Double updatedAt;
    }

    static final class CorruptRegistryException extends RuntimeException {
        CorruptRegistryException(String message) {
            super(message);
        }
    }
}
