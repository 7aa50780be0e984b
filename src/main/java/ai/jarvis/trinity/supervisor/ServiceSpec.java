package ai.jarvis.trinity.supervisor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service of services.yaml. Fields left out take the values of the file's {@code defaults:} section, then
 * the hub's settings (README, "Supervisor"). Durations are seconds.
 */
public final class ServiceSpec {

    public enum Restart { ALWAYS, ON_FAILURE, NEVER }

    @JsonProperty("name") public String name;
    @JsonProperty("command") public List<String> command;
    @JsonProperty("repo_path") public String repoPath;
    @JsonProperty("script") public String script;
    @JsonProperty("interpreter") public String interpreter;
    @JsonProperty("working_dir") public String workingDir;
    @JsonProperty("env") public Map<String, String> env;
    @JsonProperty("port") public Integer port;
    @JsonProperty("health") public String health;
    @JsonProperty("depends_on") public List<String> dependsOn;
    @JsonProperty("restart") public String restart;
    @JsonProperty("max_restarts") public Integer maxRestarts;
    @JsonProperty("backoff_base") public Double backoffBase;
    @JsonProperty("backoff_max") public Double backoffMax;
    @JsonProperty("reset_after") public Double resetAfter;
    @JsonProperty("stop_timeout") public Double stopTimeout;
    @JsonProperty("start_timeout") public Double startTimeout;
    @JsonProperty("probe_interval") public Double probeInterval;
    @JsonProperty("probe_timeout") public Double probeTimeout;
    @JsonProperty("probe_failures") public Integer probeFailures;
    @JsonProperty("enabled") public Boolean enabled;

    /** Fills every field this spec leaves out from {@code defaults}. */
    ServiceSpec withDefaults(ServiceSpec defaults) {
        ServiceSpec spec = new ServiceSpec();
        spec.name = name;
        spec.command = command != null ? new ArrayList<>(command) : defaults.command;
        spec.repoPath = repoPath != null ? repoPath : defaults.repoPath;
        spec.script = script != null ? script : defaults.script;
        spec.interpreter = interpreter != null ? interpreter : defaults.interpreter;
        spec.workingDir = workingDir != null ? workingDir : defaults.workingDir;
        spec.env = new LinkedHashMap<>(defaults.env == null ? Map.of() : defaults.env);
        if (env != null) {
            spec.env.putAll(env);
        }
        spec.port = port != null ? port : defaults.port;
        spec.health = health != null ? health : defaults.health;
        spec.dependsOn = dependsOn != null ? dependsOn : (defaults.dependsOn == null ? List.of() : defaults.dependsOn);
        spec.restart = restart != null ? restart : defaults.restart;
        spec.maxRestarts = maxRestarts != null ? maxRestarts : defaults.maxRestarts;
        spec.backoffBase = backoffBase != null ? backoffBase : defaults.backoffBase;
        spec.backoffMax = backoffMax != null ? backoffMax : defaults.backoffMax;
        spec.resetAfter = resetAfter != null ? resetAfter : defaults.resetAfter;
        spec.stopTimeout = stopTimeout != null ? stopTimeout : defaults.stopTimeout;
        spec.startTimeout = startTimeout != null ? startTimeout : defaults.startTimeout;
        spec.probeInterval = probeInterval != null ? probeInterval : defaults.probeInterval;
        spec.probeTimeout = probeTimeout != null ? probeTimeout : defaults.probeTimeout;
        spec.probeFailures = probeFailures != null ? probeFailures : defaults.probeFailures;
        spec.enabled = enabled != null ? enabled : defaults.enabled;
        return spec;
    }

    Restart restartPolicy() {
        return Restart.valueOf(restart.trim().toUpperCase().replace('-', '_'));
    }

    /** The whole file: optional defaults for every service, and the services. */
    static final class File {
        @JsonProperty("defaults") ServiceSpec defaults;
        @JsonProperty("services") List<ServiceSpec> services;
    }
}
