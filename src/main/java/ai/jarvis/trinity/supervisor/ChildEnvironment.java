package ai.jarvis.trinity.supervisor;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a supervised child is told about its hub (DESIGN §9, "Children's environment"): its port, the home, the
 * broker and hub URLs, its name, its parent's pid. It never inherits the hub's own ports.
 */
public final class ChildEnvironment {

    /** The hub's listeners: a child that read them would try to bind the hub's ports. */
    private static final List<String> HUB_ONLY = List.of("TRINITY_HTTP_PORT", "TRINITY_BROKER_PORT",
            "TRINITY_AMQP_PORT", "TRINITY_STOMP_PORT", "TRINITY_MQTT_PORT", "TRINITY_PORT", "PORT",
            "TRINITY_SERVICE_NAME", "TRINITY_PARENT_PID", "JPRIME_REPO_PATH", "JPRIME_SCRIPT", "REACTOR_REPO_PATH",
            "REACTOR_SCRIPT");

    private final Supplier<Map<String, String>> hubValues;
    private final String hubName;
    private final InetAddress bindAddress;
    private final String probeHost;
    private final String childJvmOptions;
    private final long logMaxSize;
    private final int logMaxFiles;
    private final String apiToken;

    /**
     * @param hubValues TRINITY_HOME, TRINITY_BROKER_URL, TRINITY_AMQP_URL, TRINITY_HUB_URL, ... as children get
     *                  them, asked for at each launch (the broker's URLs are known once it has started)
     */
    public ChildEnvironment(Supplier<Map<String, String>> hubValues, String hubName, InetAddress bindAddress, String probeHost,
                            String childJvmOptions, long logMaxSize, int logMaxFiles, String apiToken) {
        this.hubValues = hubValues;
        this.hubName = hubName;
        this.bindAddress = bindAddress;
        this.probeHost = probeHost;
        this.childJvmOptions = childJvmOptions;
        this.logMaxSize = logMaxSize;
        this.logMaxFiles = logMaxFiles;
        this.apiToken = apiToken;
    }

    /** The API token children inherit with the hub's environment; probes send it. Null when there is none. */
    String apiToken() {
        return apiToken;
    }

    void applyTo(Map<String, String> environment, ServiceSpec spec, Integer port) {
        HUB_ONLY.forEach(environment::remove);
        environment.putAll(hubValues.get());
        environment.put("TRINITY_SERVICE_NAME", spec.name);
        environment.put("TRINITY_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        if (port != null) {
            environment.put("TRINITY_PORT", port.toString());
            environment.put("PORT", port.toString());
        }
        environment.putAll(spec.env);
    }

    String hubName() {
        return hubName;
    }

    InetAddress bindAddress() {
        return bindAddress;
    }

    String probeHost() {
        return probeHost;
    }

    String childJvmOptions() {
        return childJvmOptions;
    }

    long logMaxSize() {
        return logMaxSize;
    }

    int logMaxFiles() {
        return logMaxFiles;
    }
}
