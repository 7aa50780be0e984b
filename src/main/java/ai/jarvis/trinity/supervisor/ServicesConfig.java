package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.registry.ServiceRegistry;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * services.yaml, read and checked: every service complete (its own fields, then the file's defaults, then the
 * hub's settings), the seed's JPRIME_* / REACTOR_* variables applied, names unique, dependencies known and
 * without cycles. A problem is a {@link ConfigurationException} naming the file.
 */
public final class ServicesConfig {

    private static final Map<String, String> SEED_PREFIXES = Map.of("jarvis-prime", "jprime", "reactor-core", "reactor");

    private ServicesConfig() {
    }

    /** The enabled services in start order (dependencies first). */
    public static List<ServiceSpec> load(ConfigFiles files, Settings settings) {
        String origin = files.origin("services.yaml");
        ServiceSpec.File file = parse(files.read("services.yaml"), origin);
        ServiceSpec defaults = settingsDefaults(settings).withDefaults(new ServiceSpec());
        if (file.defaults != null) {
            defaults = file.defaults.withDefaults(defaults);
        }
        Map<String, ServiceSpec> byName = new LinkedHashMap<>();
        for (ServiceSpec declared : file.services == null ? List.<ServiceSpec>of() : file.services) {
            ServiceSpec spec = declared.withDefaults(defaults);
            check(spec, origin);
            if (byName.put(spec.name, applySeedVariables(spec, settings)) != null) {
                throw new ConfigurationException("invalid " + origin + ": service '" + spec.name + "' is declared twice");
            }
        }
        byName.values().removeIf(spec -> !spec.enabled);
        return inStartOrder(byName, origin);
    }

    private static ServiceSpec.File parse(String yaml, String origin) {
        try {
            Object document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
            if (document == null) {
                return new ServiceSpec.File();
            }
            return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .convertValue(document, ServiceSpec.File.class);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("invalid " + origin + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " ")
                    .replaceAll(" \\(class [^)]*\\)", "").replaceAll(", not marked as ignorable.*", ""));
        } catch (RuntimeException e) {
            throw new ConfigurationException("invalid " + origin + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
        }
    }

    /** The hub's settings as the last layer of defaults (MAX_RESTART_ATTEMPTS, RESTART_BACKOFF_BASE, ...). */
    private static ServiceSpec settingsDefaults(Settings settings) {
        ServiceSpec spec = new ServiceSpec();
        spec.restart = settings.getBoolean("auto.healing.enabled") ? settings.get("trinity.restart-policy") : "never";
        spec.maxRestarts = settings.getInt("max.restart.attempts");
        spec.backoffBase = seconds(settings, "restart.backoff.base");
        spec.backoffMax = seconds(settings, "restart.backoff.max");
        spec.resetAfter = seconds(settings, "restart.reset.after");
        spec.stopTimeout = seconds(settings, "trinity.stop-timeout");
        spec.startTimeout = seconds(settings, "trinity.start-timeout");
        spec.probeInterval = seconds(settings, "trinity.probe-interval");
        spec.probeTimeout = seconds(settings, "trinity.probe-timeout");
        spec.probeFailures = settings.getInt("trinity.probe-failures");
        spec.enabled = true;
        spec.env = Map.of();
        spec.dependsOn = List.of();
        return spec;
    }

    private static double seconds(Settings settings, String key) {
        return settings.getSeconds(key).toMillis() / 1000.0;
    }

    /** JPRIME_REPO_PATH + JPRIME_SCRIPT (and REACTOR_*) point a built-in service at the user's own program. */
    private static ServiceSpec applySeedVariables(ServiceSpec spec, Settings settings) {
        String prefix = SEED_PREFIXES.get(spec.name);
        if (prefix == null || !settings.isSet(prefix + ".repo-path")) {
            return spec;
        }
        spec.repoPath = settings.get(prefix + ".repo-path");
        spec.script = settings.get(prefix + ".script");
        spec.interpreter = settings.isSet(prefix + ".interpreter") ? settings.get(prefix + ".interpreter") : null;
        spec.command = null;
        spec.workingDir = spec.repoPath;
        return spec;
    }

    private static void check(ServiceSpec spec, String origin) {
        String where = "invalid " + origin + ": service '" + spec.name + "': ";
        try {
            ServiceRegistry.checkName(spec.name);
        } catch (RuntimeException e) {
            throw new ConfigurationException("invalid " + origin + ": " + e.getMessage());
        }
        boolean hasCommand = spec.command != null && !spec.command.isEmpty();
        boolean hasScript = spec.repoPath != null && spec.script != null;
        if (hasCommand == hasScript) {
            throw new ConfigurationException(where + "give either command (a list) or repo_path and script");
        }
        try {
            spec.restartPolicy();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(where + "restart must be always, on-failure or never, not '" + spec.restart + "'");
        }
        if (spec.port != null && (spec.port < 0 || spec.port > 65535)) {
            throw new ConfigurationException(where + "port must be 0 (pick one) to 65535, not " + spec.port);
        }
        if (spec.health != null && !spec.health.startsWith("/")) {
            throw new ConfigurationException(where + "health must be a path starting with /, not '" + spec.health + "'");
        }
        if (spec.health != null && spec.port == null) {
            throw new ConfigurationException(where + "a health path needs a port");
        }
        if (spec.maxRestarts < 0 || spec.backoffBase < 0 || spec.backoffMax < 0 || spec.stopTimeout < 0
                || spec.probeInterval <= 0 || spec.probeTimeout <= 0 || spec.probeFailures < 1) {
            throw new ConfigurationException(where + "max_restarts, backoff_*, *_timeout must not be negative, "
                    + "probe_interval and probe_timeout must be positive, probe_failures at least 1");
        }
    }

    /** Dependencies first; unknown dependencies and cycles are errors. */
    private static List<ServiceSpec> inStartOrder(Map<String, ServiceSpec> byName, String origin) {
        List<ServiceSpec> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (ServiceSpec spec : byName.values()) {
            visit(spec, byName, done, visiting, ordered, origin);
        }
        return ordered;
    }

    private static void visit(ServiceSpec spec, Map<String, ServiceSpec> byName, Set<String> done, Set<String> visiting,
                              List<ServiceSpec> ordered, String origin) {
        if (done.contains(spec.name)) {
            return;
        }
        if (!visiting.add(spec.name)) {
            throw new ConfigurationException("invalid " + origin + ": depends_on makes a cycle through '" + spec.name + "'");
        }
        for (String dependency : spec.dependsOn) {
            ServiceSpec needed = byName.get(dependency);
            if (needed == null) {
                throw new ConfigurationException("invalid " + origin + ": service '" + spec.name
                        + "' depends on '" + dependency + "', which is not declared (or not enabled)");
            }
            visit(needed, byName, done, visiting, ordered, origin);
        }
        visiting.remove(spec.name);
        done.add(spec.name);
        ordered.add(spec);
    }
}
