package ai.jarvis.trinity.runtime;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a route file from routes/ when it changes on disk. Unlike Camel's development-time reloader, a file
 * that fails (does not parse, or parses but its routes do not start) never leaves the hub without those routes:
 * the last version that worked is loaded again, and the problem is logged in one line. A deleted file takes
 * its routes with it.
 */
public final class RouteFileReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);

    private final CamelContext context;
    private final List<Path> directories;
    private static final Duration QUIET_PERIOD = Duration.ofMillis(250);

    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();
    private final Map<Path, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private final AtomicInteger rejected = new AtomicInteger();
    private volatile String lastRejection;

    RouteFileReloader(CamelContext context, List<Path> directories) {
        this.context = context;
        this.directories = directories;
    }

    /** Remembers the files loaded at start as the last good versions, then watches the folders. */
    void start() throws Exception {
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "RouteFileReloader");
        for (Path directory : directories) {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(RouteFileReloader::isRouteFile).collect(Collectors.toList())) {
                    lastGood.put(file.toAbsolutePath(), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
            FileWatcherResourceReloadStrategy watcher = new FileWatcherResourceReloadStrategy(directory.toString());
            watcher.setFileFilter(file -> isRouteFile(file.toPath()));
            watcher.setResourceReload((name, resource) -> reloadWhenQuiet(Path.of(name).toAbsolutePath()));
            context.addService(watcher, true, true);
        }
        LOG.info("Watching {} for route changes", directories);
    }

    private static boolean isRouteFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".xml"));
    }

    /** Editors write a file in steps (truncate, write, rename): act once it has been quiet for a moment. */
    private void reloadWhenQuiet(Path file) {
        pending.compute(file, (key, previous) -> {
            if (previous != null) {
                previous.cancel(false);
            }
            return scheduler.schedule(() -> reload(file), QUIET_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private synchronized void reload(Path file) {
        pending.remove(file);
        if (!Files.exists(file)) {
            LOG.info("Route file {} was deleted", file.getFileName());
            removeRoutesOf(file);
            lastGood.remove(file);
            return;
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Route file {} could not be read ({}); keeping its previous routes", file, e.getMessage());
            return;
        }
        if (content.equals(lastGood.get(file))) {
            return;
        }
        try {
            Set<String> ids = load(file, content);
            lastGood.put(file, content);
            LOG.info("Reloaded route file {}: routes {}", file.getFileName(), ids);
        } catch (Exception e) {
            String reason = rootMessage(e).replaceAll("\\s*\\R\\s*", " ");
            lastRejection = file.getFileName() + ": " + reason;
            rejected.incrementAndGet();
            LOG.warn("Route file {} rejected: {}; keeping the routes it had", file, reason);
            restore(file);
        }
    }

    /** Edited route files that were refused (their previous routes kept running). */
    public int rejectedCount() {
        return rejected.get();
    }

    public String lastRejection() {
        return lastRejection;
    }

    private Set<String> load(Path file, String content) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + file, content);
        return PluginHelper.getRoutesLoader(context).updateRoutes(List.of(resource));
    }

    private void restore(Path file) {
        removeRoutesOf(file);
        String previous = lastGood.get(file);
        if (previous == null) {
            return;
        }
        try {
            load(file, previous);
            LOG.info("Restored the previous routes of {}", file.getFileName());
        } catch (Exception e) {
            LOG.error("Could not restore the previous routes of {}: {}", file, rootMessage(e));
        }
    }

    private void removeRoutesOf(Path file) {
        String location = "file:" + file;
        for (Route route : List.copyOf(context.getRoutes())) {
            Resource source = route.getSourceResource();
            if (source != null && location.equals(source.getLocation())) {
                try {
                    context.getRouteController().stopRoute(route.getRouteId());
                    context.removeRoute(route.getRouteId());
                    LOG.info("Removed route {} of {}", route.getRouteId(), file.getFileName());
                } catch (Exception e) {
                    LOG.warn("Could not remove route {}: {}", route.getRouteId(), rootMessage(e));
                }
            }
        }
    }
}
