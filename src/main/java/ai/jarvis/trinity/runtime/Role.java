package ai.jarvis.trinity.runtime;

import java.util.Locale;

/** The three programs this jar can be. */
public enum Role {
    HUB("jarvis-body", "", "trinity.http-port"),
    PRIME("jarvis-prime", "prime", "trinity.port"),
    REACTOR("reactor-core", "reactor", "trinity.port");

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

    /** Sub-folder of routes/ holding this role's routes ("" for the hub: the top of routes/). */
    public String routesFolder() {
        return routesFolder;
    }

    public String httpPortKey() {
        return httpPortKey;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
