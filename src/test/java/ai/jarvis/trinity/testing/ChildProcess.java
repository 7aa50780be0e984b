package ai.jarvis.trinity.testing;

import static org.awaitility.Awaitility.await;

import ai.jarvis.trinity.Launcher;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real trinity process, started as "this JVM's java with this class path" (so it works before the jar exists),
 * its output in a file. {@link #close()} kills it and its descendants by pid if it is still there.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("is up: http://[^:]+:(\\d+)");
    private static final List<String> SMALL_JVM =
            List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private final Process process;
    private final Path output;

    private ChildProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** {@code java -jar trinity-camel.jar args}, as it were: the launcher of this class path. */
    public static ChildProcess start(Path workDir, Map<String, String> environment, String... args) {
        return startMain(workDir, environment, Launcher.class, args);
    }

    /** Any main class of this class path, in a JVM of its own. */
    public static ChildProcess startMain(Path workDir, Map<String, String> environment, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(SMALL_JVM);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(workDir);
            Path output = Files.createTempFile(workDir, "process-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(new File(System.getProperty("user.dir")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().remove("TRINITY_HOME");
            builder.environment().putAll(environment);
            return new ChildProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the process has printed {@code text}. */
    public void awaitOutput(String text) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() ->
                output().contains(text) || !process.isAlive());
        if (!output().contains(text)) {
            throw new AssertionError("process ended without printing '" + text + "':\n" + output());
        }
    }

    /** Waits until the process says it is up and returns its HTTP port. */
    public int awaitUp() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                UP.matcher(output()).find() || !process.isAlive());
        Matcher matcher = UP.matcher(output());
        if (!matcher.find()) {
            throw new AssertionError("process ended before it was up:\n" + output());
        }
        return Integer.parseInt(matcher.group(1));
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("process still running after " + timeout + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** SIGTERM, as a service manager or kill(1) sends it. */
    public void terminate() {
        process.destroy();
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
