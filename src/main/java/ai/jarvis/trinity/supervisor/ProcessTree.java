package ai.jarvis.trinity.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's processes: launched through setsid(1), a service leads its own process group, so one signal to
 * the group reaches its grandchildren too (Java cannot call setsid, and ProcessHandle.descendants() misses
 * processes that were re-parented). Stopping is SIGTERM to the group and every descendant, a wait, then SIGKILL.
 */
public final class ProcessTree {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final Path SETSID = ChildCommand.findOnPath("setsid");

    private ProcessTree() {
    }

    /** The command that starts {@code command} in a process group of its own, where setsid(1) exists. */
    public static List<String> inOwnGroup(List<String> command) {
        if (SETSID == null) {
            return command;
        }
        List<String> grouped = new ArrayList<>();
        grouped.add(SETSID.toString());
        grouped.addAll(command);
        return grouped;
    }

    /**
     * Ends the process and everything it started: SIGTERM, up to {@code timeout} for them to go, then SIGKILL.
     * Returns true when SIGKILL was needed.
     */
    public static boolean stop(ProcessHandle main, Duration timeout) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(main);
        main.descendants().forEach(tree::add);
        boolean group = leadsItsGroup(main.pid());
        if (group) {
            signalGroup("TERM", main.pid());
            // Descendants that left the group still get theirs; the others must not get a second SIGTERM
            // (a second signal means "force" to many programs, this one included).
            tree.stream().filter(process -> !inGroup(process.pid(), main.pid())).forEach(ProcessHandle::destroy);
        } else {
            tree.forEach(ProcessHandle::destroy);
        }
        if (awaitAll(tree, timeout)) {
            return false;
        }
        LOG.warn("Process {} did not stop within {} s of SIGTERM: sending SIGKILL", main.pid(), timeout.toMillis() / 1000.0);
        main.descendants().forEach(tree::add);
        if (group) {
            signalGroup("KILL", main.pid());
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitAll(tree, Duration.ofSeconds(5));
        return true;
    }

    private static boolean awaitAll(List<ProcessHandle> processes, Duration timeout) {
        CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Whether the process leads its process group. */
    static boolean leadsItsGroup(long pid) {
        return inGroup(pid, pid);
    }

    /** Whether the process is in the process group {@code pgid} (/proc/PID/stat, field 5). */
    private static boolean inGroup(long pid, long pgid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]) == pgid;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void signalGroup(String signal, long pgid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("Could not signal process group {}: {}", pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
