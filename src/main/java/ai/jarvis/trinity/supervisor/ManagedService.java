package ai.jarvis.trinity.supervisor;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The supervisor's view of one service: its spec and what it is doing now. Guarded by its own monitor. */
final class ManagedService {

    enum State { STARTING, RUNNING, BACKOFF, STOPPING, STOPPED, FAILED, UNAVAILABLE, ADOPTED }

    final ServiceSpec spec;
    final Path logFile;
    State state = State.STOPPED;
    String reason;
    ProcessHandle process;
    Process child;
    List<String> command;
    Integer port;
    int generation;
    int restarts;
    long restartsSinceHubStart;
    Integer lastExitCode;
    long startedAtMillis;
    Instant startedAt;
    Long healthySinceMillis;
    int probeFailures;
    long lastProbeMillis;
    boolean probeInFlight;
    OutputTail tail;

    ManagedService(ServiceSpec spec, Path logFile) {
        this.spec = spec;
        this.logFile = logFile;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String stateName() {
        return state.name().toLowerCase();
    }

    synchronized Map<String, Object> view(long now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("state", stateName());
        view.put("pid", isAlive() ? process.pid() : null);
        view.put("port", port);
        view.put("restarts", restarts);
        view.put("uptime_s", isAlive() ? Math.round((now - startedAtMillis) / 100.0) / 10.0 : null);
        view.put("last_exit_code", lastExitCode);
        view.put("reason", reason);
        view.put("health", spec.health);
        return view;
    }
}
