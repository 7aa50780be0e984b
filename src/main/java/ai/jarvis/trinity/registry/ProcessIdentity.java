package ai.jarvis.trinity.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a process is: a pid alone is not an identity (pids are reused), so the registry keeps the process start
 * time beside it, and names the machine by a stable id rather than by an address.
 */
public final class ProcessIdentity {

    /** Start times from two sources (this JVM, psutil in Python, ...) may differ by a clock tick or rounding. */
    private static final double START_TIME_TOLERANCE_S = 1.0;

    private ProcessIdentity() {
    }

    /** /etc/machine-id (systemd, D-Bus), else the host name. */
    public static String machineId() {
        for (String candidate : new String[] {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
            try {
                String id = Files.readString(Path.of(candidate), StandardCharsets.US_ASCII).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            } catch (IOException | SecurityException ignored) {
                // try the next one
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Start time of a live process in epoch seconds, if the OS tells. */
    public static Optional<Double> startTime(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(process -> process.info().startInstant())
                .map(ProcessIdentity::epochSeconds);
    }

    /** Whether the process an entry names is still running (same pid and, when recorded, same start time). */
    public static boolean isAlive(long pid, Double recordedStartTime) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        if (recordedStartTime == null) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return started.isEmpty()
                || Math.abs(epochSeconds(started.get()) - recordedStartTime) <= START_TIME_TOLERANCE_S;
    }

    static double epochSeconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
