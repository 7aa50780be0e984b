package ai.jarvis.trinity.training;

import ai.jarvis.trinity.supervisor.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One trainer process: started in a process group of its own (so stopping it stops whatever it started), its
 * stdout read line by line by the caller, its stderr appended to the job's trainer.log.
 */
final class TrainerRun implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final Path log;
    private final AtomicReference<String> stoppedBecause = new AtomicReference<>();

    private TrainerRun(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static TrainerRun start(List<String> command, Map<String, String> environment, Path workDir, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnGroup(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new TrainerRun(builder.start(), log);
    }

    BufferedReader stdout() {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Stops the trainer (SIGTERM to its group, SIGKILL after a grace period); the first reason given is kept. */
    void stop(String reason) {
        if (stoppedBecause.compareAndSet(null, reason)) {
            ProcessTree.stop(process.toHandle(), STOP_GRACE);
        }
    }

    /** Why the trainer was stopped, or null when it ended by itself. */
    String stoppedBecause() {
        return stoppedBecause.get();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    /** The last line the trainer wrote on stderr, for a failure message. */
    String lastErrorLine() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (!line.isEmpty()) {
                    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            ProcessTree.stop(process.toHandle(), STOP_GRACE);
        }
    }
}
