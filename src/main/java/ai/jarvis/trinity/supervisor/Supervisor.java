package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.registry.ProcessIdentity;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.registry.ServiceRegistry;
import ai.jarvis.trinity.supervisor.ManagedService.State;
import ai.jarvis.trinity.util.FreePorts;
import ai.jarvis.trinity.util.PrintableText;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the services of services.yaml, follows their output, notices when they end (from the process handle,
 * no polling) and hands each exit to the healing route, probes their health, and stops them with their whole
 * process tree. Decisions the routes act on ({@link #planRestart}) live here; the waiting lives in the routes.
 */
public final class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final int DEFAULT_TAIL = 200;
    private static final int MAX_TAIL = 10_000;

    private final Map<String, ManagedService> services = new LinkedHashMap<>();
    private final ServiceRegistry registry;
    private final ChildEnvironment environment;
    private final BiConsumer<String, Object> events;
    private final Consumer<ServiceExit> exits;
    private final RegistryRecords records;
    private final HealthWatch health;
    private volatile boolean shuttingDown;

    public Supervisor(List<ServiceSpec> specs, Path logsDir, ServiceRegistry registry, ChildEnvironment environment,
                      BiConsumer<String, Object> events, Consumer<ServiceExit> exits) {
        for (ServiceSpec spec : specs) {
            services.put(spec.name, new ManagedService(spec, logsDir.resolve(spec.name + ".log")));
        }
        this.registry = registry;
        this.environment = environment;
        this.events = events;
        this.exits = exits;
        this.records = new RegistryRecords(registry, environment.hubName());
        this.health = new HealthWatch(environment, records, events);
    }

    /** Adopts or launches every service in dependency order; a service waits for its dependencies to be healthy. */
    public void startAll() {
        for (ManagedService service : services.values()) {
            if (shuttingDown) {
                return;
            }
            for (String dependency : service.spec.dependsOn) {
                awaitHealthy(services.get(dependency));
            }
            if (!adopt(service)) {
                launch(service, null);
            }
        }
    }

    private void awaitHealthy(ManagedService dependency) {
        long deadline = System.currentTimeMillis() + Math.round(dependency.spec.startTimeout * 1000);
        while (!shuttingDown && System.currentTimeMillis() < deadline) {
            synchronized (dependency) {
                if (dependency.state == State.RUNNING || dependency.state == State.ADOPTED
                        || dependency.state == State.UNAVAILABLE || dependency.state == State.FAILED) {
                    return;
                }
            }
            sleep(100);
        }
        LOG.warn("{} was not healthy within {} s; starting what depends on it anyway", dependency.spec.name,
                dependency.spec.startTimeout);
    }

    /** A healthy instance left running by an earlier hub (same pid and start time) is monitored, not relaunched. */
    private boolean adopt(ManagedService service) {
        Optional<ServiceEntry> entry = registry.entry(service.spec.name);
        if (entry.isEmpty() || entry.get().pid == null || !registry.hostId().equals(entry.get().host)
                || !ProcessIdentity.isAlive(entry.get().pid, entry.get().processStartedAt)) {
            return false;
        }
        ProcessHandle process = ProcessHandle.of(entry.get().pid).orElse(null);
        if (process == null) {
            return false;
        }
        boolean healthy = service.spec.health == null || health.probe(entry.get().port, service.spec).join();
        if (!healthy) {
            LOG.warn("{} (pid {}) is running but unhealthy: stopping it and starting a new one", service.spec.name,
                    process.pid());
            ProcessTree.stop(process, seconds(service.spec.stopTimeout));
            return false;
        }
        synchronized (service) {
            service.process = process;
            service.child = null;
            service.port = entry.get().port;
            service.generation++;
            service.state = State.ADOPTED;
            service.reason = null;
            service.startedAtMillis = process.info().startInstant().map(i -> i.toEpochMilli()).orElse(System.currentTimeMillis());
            service.healthySinceMillis = System.currentTimeMillis();
            followOutput(service, sizeOf(service.logFile));
            watchExit(service, process, service.generation);
        }
        LOG.info("Adopted {} (pid {}, port {}) started by an earlier hub", service.spec.name, process.pid(), service.port);
        events.accept("service.adopted", Map.of("service_name", service.spec.name, "pid", process.pid()));
        return true;
    }

    /**
     * Starts a new process for the service, or marks it unavailable (with the reason) when it cannot be run.
     * A restart is announced before the new process is watched, so that its own crash cannot be announced first.
     */
    private void launch(ManagedService service, ServiceExit restartOf) {
        synchronized (service) {
            if (shuttingDown || service.isAlive()) {
                return;
            }
            try {
                service.command = ChildCommand.resolve(service.spec, environment.childJvmOptions());
            } catch (UnavailableException e) {
                service.state = State.UNAVAILABLE;
                service.reason = e.getMessage();
                LOG.warn("{} is unavailable: {}", service.spec.name, e.getMessage());
                events.accept("service.unavailable", Map.of("service_name", service.spec.name, "reason", e.getMessage()));
                return;
            }
            service.port = service.spec.port == null ? null
                    : service.spec.port == 0 ? FreePorts.pick(environment.bindAddress()) : service.spec.port;
            try {
                long startOffset = sizeOf(service.logFile);
                ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnGroup(service.command))
                        .directory(workingDir(service.spec))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(service.logFile.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                environment.applyTo(builder.environment(), service.spec, service.port);
                Process child = builder.start();
                if (service.process != null) {
                    service.restartsSinceHubStart++;
                }
                service.child = child;
                service.process = child.toHandle();
                service.generation++;
                service.startedAt = Instant.now();
                service.startedAtMillis = service.startedAt.toEpochMilli();
                service.healthySinceMillis = null;
                service.probeFailures = 0;
                service.probeInFlight = false;
                service.reason = null;
                service.state = service.spec.health == null ? State.RUNNING : State.STARTING;
                if (service.state == State.RUNNING) {
                    service.healthySinceMillis = service.startedAtMillis;
                }
                followOutput(service, startOffset);
                records.register(service);
                if (restartOf != null) {
                    events.accept("service.restarted", eventBody(service, restartOf));
                }
                watchExit(service, service.process, service.generation);
                LOG.info("Started {} (pid {}{})", service.spec.name, child.pid(),
                        service.port == null ? "" : ", port " + service.port);
            } catch (IOException | RuntimeException e) {
                service.state = State.UNAVAILABLE;
                service.reason = "could not start: " + e.getMessage();
                LOG.warn("{} could not start: {}", service.spec.name, e.getMessage());
            }
        }
    }

    private static File workingDir(ServiceSpec spec) {
        return spec.workingDir == null ? null : Path.of(spec.workingDir).toFile();
    }

    private void followOutput(ManagedService service, long from) {
        if (service.tail != null) {
            service.tail.finish();
        }
        service.tail = new OutputTail(service.logFile, service.spec.name, from, environment.logMaxSize(),
                environment.logMaxFiles());
        OutputTail.start(service.tail, service.spec.name);
    }

    private void watchExit(ManagedService service, ProcessHandle process, int generation) {
        CompletableFuture<?> exit = service.child != null ? service.child.onExit() : process.onExit();
        Process child = service.child;
        exit.thenRun(() -> exited(service, generation, child));
    }

    private void exited(ManagedService service, int generation, Process child) {
        Integer code = child == null ? null : child.exitValue();
        ServiceExit exit;
        synchronized (service) {
            if (generation != service.generation) {
                return;
            }
            service.lastExitCode = code;
            if (service.tail != null) {
                service.tail.finish();
            }
            if (service.state == State.STOPPING || shuttingDown) {
                return;
            }
            exit = new ServiceExit(service.spec.name, generation, code,
                    service.reason != null && service.reason.startsWith("unhealthy") ? service.reason : "crashed");
            service.state = State.BACKOFF;
        }
        LOG.warn("{} ended: {}", service.spec.name, exit);
        exits.accept(exit);
    }

    /** Decides, for the healing route, whether and when an ended service starts again. */
    public ServiceExit planRestart(ServiceExit exit) {
        ManagedService service = service(exit.getName());
        synchronized (service) {
            if (exit.getGeneration() != service.generation || service.state != State.BACKOFF) {
                return exit;
            }
            boolean failed = exit.getExitCode() == null || exit.getExitCode() != 0;
            events.accept("service.crashed", eventBody(service, exit));
            ServiceSpec.Restart policy = service.spec.restartPolicy();
            if (policy == ServiceSpec.Restart.NEVER || (policy == ServiceSpec.Restart.ON_FAILURE && !failed)) {
                service.state = failed ? State.FAILED : State.STOPPED;
                service.reason = exit.getCause() + " (restart: " + service.spec.restart + ")";
                records.deregister(service);
                return exit;
            }
            if (service.restarts >= service.spec.maxRestarts) {
                exit.plan("give-up", 0, service.restarts);
                return exit;
            }
            double delay = Math.min(service.spec.backoffBase * Math.pow(2, service.restarts), service.spec.backoffMax);
            service.restarts++;
            exit.plan("restart", Math.round(delay * 1000), service.restarts);
            service.reason = "restarting in " + delay + " s after " + exit;
            return exit;
        }
    }

    /** The healing route's restart, after the backoff delay. */
    public ServiceExit restartAfterBackoff(ServiceExit exit) {
        ManagedService service = service(exit.getName());
        synchronized (service) {
            if (exit.getGeneration() != service.generation || service.state != State.BACKOFF || shuttingDown) {
                return exit;
            }
        }
        launch(service, exit);
        return exit;
    }

    /** The healing route's give-up: the service stays down until started by hand. */
    public ServiceExit giveUp(ServiceExit exit) {
        ManagedService service = service(exit.getName());
        synchronized (service) {
            service.state = State.FAILED;
            service.reason = "gave up after " + service.restarts + " restarts; last: " + exit;
            records.deregister(service);
        }
        events.accept("service.failed", eventBody(service, exit));
        return exit;
    }

    private Map<String, Object> eventBody(ManagedService service, ServiceExit exit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_name", service.spec.name);
        body.put("exit_code", exit.getExitCode());
        body.put("cause", exit.getCause());
        body.put("restarts", service.restarts);
        body.put("delay_ms", exit.getDelayMs());
        body.put("pid", service.isAlive() ? service.process.pid() : null);
        body.put("exit_detected_at", epochSeconds(exit.getDetectedAt()));
        body.put("started_at", service.isAlive() ? epochSeconds(service.startedAt) : null);
        body.put("ts", epochSeconds(Instant.now()));
        return body;
    }

    static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    /** Probes the services whose probe interval has passed (the probe route calls this often). */
    public void probeDue() {
        health.checkDue(services.values());
    }

    /** Stops a service by request: its process tree, then its registry entry. It stays down until started. */
    public Map<String, Object> stop(String name) {
        ManagedService service = service(name);
        stopService(service, State.STOPPED, "stopped by request");
        return view(name);
    }

    public Map<String, Object> start(String name) {
        ManagedService service = service(name);
        synchronized (service) {
            if (service.isAlive()) {
                throw new ApiException(409, "already running", name + " is " + service.stateName());
            }
            service.restarts = 0;
        }
        launch(service, null);
        return view(name);
    }

    public Map<String, Object> restart(String name) {
        ManagedService service = service(name);
        stopService(service, State.STOPPED, "restarted by request");
        synchronized (service) {
            service.restarts = 0;
        }
        launch(service, null);
        return view(name);
    }

    private void stopService(ManagedService service, State after, String reason) {
        ProcessHandle process;
        synchronized (service) {
            process = service.process;
            service.state = State.STOPPING;
            service.generation++;
        }
        if (process != null && process.isAlive()) {
            LOG.info("Stopping {} (pid {})", service.spec.name, process.pid());
            ProcessTree.stop(process, seconds(service.spec.stopTimeout));
        }
        synchronized (service) {
            if (service.child != null && !service.child.isAlive()) {
                service.lastExitCode = service.child.exitValue();
            }
            if (service.tail != null) {
                service.tail.finish();
            }
            service.state = after;
            service.reason = reason;
            records.deregister(service);
        }
    }

    /** Stops every service: reverse dependency order, the services of one level in parallel. */
    public void stopAll() {
        shuttingDown = true;
        Map<String, Integer> levels = new LinkedHashMap<>();
        for (ManagedService service : services.values()) {
            int level = 0;
            for (String dependency : service.spec.dependsOn) {
                level = Math.max(level, levels.getOrDefault(dependency, 0) + 1);
            }
            levels.put(service.spec.name, level);
        }
        int top = levels.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        for (int level = top; level >= 0; level--) {
            int current = level;
            List<CompletableFuture<Void>> stops = services.values().stream()
                    .filter(service -> levels.get(service.spec.name) == current)
                    .map(service -> CompletableFuture.runAsync(() -> stopService(service, State.STOPPED, "hub stopped")))
                    .collect(Collectors.toList());
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        }
    }

    /** The last lines of a service's log file ({@code tail}: how many, default 200, at most 10000). */
    public List<String> logs(String name, String tail) {
        ManagedService service = service(name);
        int lines;
        try {
            lines = tail == null ? DEFAULT_TAIL : Integer.parseInt(tail.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid tail", "a number of lines, not '" + tail + "'");
        }
        if (lines < 1 || lines > MAX_TAIL) {
            throw ApiException.badRequest("invalid tail", "from 1 to " + MAX_TAIL + " lines, not " + lines);
        }
        if (!Files.exists(service.logFile)) {
            return List.of();
        }
        ArrayDeque<String> window = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(service.logFile, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (window.size() >= lines) {
                    window.pollFirst();
                }
                window.add(PrintableText.of(line));
            });
        } catch (IOException | UncheckedIOException e) {
            throw new ApiException(500, "cannot read log", e.getMessage());
        }
        return new ArrayList<>(window);
    }

    /** The file a service's output goes to (404 for a name that is not supervised). */
    public Path logFile(String name) {
        return service(name).logFile;
    }

    public Map<String, Object> view(String name) {
        ManagedService service = service(name);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("service_name", name);
        view.putAll(service.view(System.currentTimeMillis()));
        return view;
    }

    /** Supervision state of every declared service, by name. */
    public Map<String, Map<String, Object>> views() {
        Map<String, Map<String, Object>> views = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        services.forEach((name, service) -> views.put(name, service.view(now)));
        return views;
    }

    /** Processes started for the service after its first one since this hub started: by healing and by hand. */
    public long restartsSinceHubStart(String name) {
        ManagedService service = service(name);
        synchronized (service) {
            return service.restartsSinceHubStart;
        }
    }

    /** Every state a supervised service can be in, as {@link #views} names them. */
    public static List<String> stateNames() {
        return Stream.of(State.values()).map(state -> state.name().toLowerCase()).collect(Collectors.toList());
    }

    public boolean supervises(String name) {
        return services.containsKey(name);
    }

    private ManagedService service(String name) {
        ServiceRegistry.checkName(name);
        ManagedService service = services.get(name);
        if (service == null) {
            throw ApiException.notFound("not a supervised service", name + " is not in services.yaml");
        }
        return service;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
