package ai.jarvis.trinity.supervisor;

import java.time.Instant;

/**
 * A supervised process ended, and what to do about it: the message that flows through the healing route
 * (routes/supervisor.yaml). {@code action} is filled in by {@link Supervisor#planRestart}.
 */
public final class ServiceExit {

    private final String name;
    private final int generation;
    private final Integer exitCode;
    private final String cause;
    private final Instant detectedAt = Instant.now();
    private String action = "none";
    private long delayMs;
    private int attempt;

    ServiceExit(String name, int generation, Integer exitCode, String cause) {
        this.name = name;
        this.generation = generation;
        this.exitCode = exitCode;
        this.cause = cause;
    }

    public String getName() {
        return name;
    }

    int getGeneration() {
        return generation;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public String getCause() {
        return cause;
    }

    /** When the supervisor learned of the exit. */
    public Instant getDetectedAt() {
        return detectedAt;
    }

    /** restart, give-up, or none (a stop that was asked for, or the restart policy says no). */
    public String getAction() {
        return action;
    }

    public long getDelayMs() {
        return delayMs;
    }

    public int getAttempt() {
        return attempt;
    }

    void plan(String action, long delayMs, int attempt) {
        this.action = action;
        this.delayMs = delayMs;
        this.attempt = attempt;
    }

    @Override
    public String toString() {
        return name + " " + cause + (exitCode == null ? "" : " (exit code " + exitCode + ")");
    }
}
