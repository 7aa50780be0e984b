package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.util.PrintableText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a service's log file (the child writes its stdout and stderr there itself, so its output outlives a
 * crashed hub and no pipe to a dead hub can kill it with SIGPIPE) and copies each line to the hub's log as
 * {@code [SERVICE-NAME] line}. Lines longer than the limit are cut into pieces; bytes that are not UTF-8 or are
 * control characters are shown escaped. Rotates the file by size (copy, then truncate: the child appends, so it
 * carries on at the start of the emptied file).
 */
final class OutputTail implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("service");
    static final int MAX_LINE = 16 * 1024;
    private static final long IDLE_WAIT_MS = 20;

    private final Path file;
    private final String prefix;
    private final long maxSize;
    private final int maxFiles;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[64 * 1024];
    private volatile boolean running = true;
    private long position;

    OutputTail(Path file, String serviceName, long startPosition, long maxSize, int maxFiles) {
        this.file = file;
        this.prefix = "[" + serviceName.toUpperCase(Locale.ROOT) + "] ";
        this.position = startPosition;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
    }

    static Thread start(OutputTail tail, String serviceName) {
        Thread thread = new Thread(tail, "output-" + serviceName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Reads what is left, then stops following. */
    void finish() {
        running = false;
    }

    @Override
    public void run() {
        try {
            while (true) {
                // Read the flag before the file: after a stop request there is always one more full read.
                boolean stopping = !running;
                if (!readAvailable()) {
                    if (stopping) {
                        break;
                    }
                    Thread.sleep(IDLE_WAIT_MS);
                }
            }
            flushPartialLine();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("{}output no longer followed: {}", prefix, e.getMessage());
        }
    }

    private boolean readAvailable() throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < position) {
                position = 0; // truncated by someone else
            }
            if (length == position) {
                return false;
            }
            in.seek(position);
            int read = in.read(buffer);
            if (read <= 0) {
                return false;
            }
            position += read;
            for (int i = 0; i < read; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    emitLine();
                } else {
                    line.write(b);
                    if (line.size() >= MAX_LINE) {
                        emitLine();
                    }
                }
            }
        }
        if (position > maxSize) {
            rotate();
        }
        return true;
    }

    private void rotate() throws IOException {
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path older = rotated(i);
            if (Files.exists(older)) {
                Files.move(older, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(0);
        }
        position = 0;
    }

    private Path rotated(int index) {
        String name = file.getFileName().toString().replaceFirst("\\.log$", "");
        return file.resolveSibling(name + "." + index + ".log");
    }

    private void flushPartialLine() {
        if (line.size() > 0) {
            emitLine();
        }
    }

    private void emitLine() {
        String text = PrintableText.of(new String(line.toByteArray(), StandardCharsets.UTF_8));
        line.reset();
        LOG.info("{}{}", prefix, text);
    }
}
