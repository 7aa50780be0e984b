package ai.jarvis.trinity.runtime;

import java.util.List;
import java.util.Locale;

/** The three programs this jar can be. */
public enum Role {
    HUB("jarvis-body", "", "trinity.http-port"),
    PRIME("jarvis-prime", "prime", "trinity.port"),
    REACTOR("reactor-core", "reactor", "trinity.port");

    public static final String COMMON_ROUTES = "common";

    private final String serviceName;
    private final String routesFolder;
    private final String httpPortKey;

    Role(String serviceName, String routesFolder, String httpPortKey) {
        this.serviceName = serviceName;
        this.routesFolder = routesFolder;
        this.httpPortKey = httpPortKey;
    }

    public String serviceName() {
        return serviceName;
    }

    /**
     * Folders of routes/ this role runs: {@code common/} (every role: health, registry heartbeat) and its own
     * ("" for the hub: the top of routes/; prime/ and reactor/ for the others).
     */
    public List<String> routeFolders() {
        return List.of(COMMON_ROUTES, routesFolder);
    }

    public String httpPortKey() {
        return httpPortKey;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
