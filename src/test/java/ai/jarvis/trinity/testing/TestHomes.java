package ai.jarvis.trinity.testing;

import ai.jarvis.trinity.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Settings for a process under test: a temp home and free ports, never the developer's ~/.jarvis. */
public final class TestHomes {

    private TestHomes() {
    }

    /**
     * The environment of a hub on its own temp home, every port picked free, plus {@code extra}. The supervisor is
     * off unless {@code extra} turns it on (TRINITY_SUPERVISOR_ENABLED=true): most tests need no child JVMs.
     */
    public static Map<String, String> environment(Path home, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("TRINITY_HOME", home.toString());
        env.put("TRINITY_HTTP_PORT", "0");
        env.put("TRINITY_BROKER_PORT", "0");
        env.put("TRINITY_AMQP_PORT", "0");
        env.put("TRINITY_STOMP_PORT", "0");
        env.put("TRINITY_MQTT_PORT", "0");
        env.put("TRINITY_PORT", "0");
        env.put("TRINITY_SUPERVISOR_ENABLED", "false");
        env.putAll(extra);
        return env;
    }

    public static Settings settings(Path home, Map<String, String> extra) {
        return Settings.load(environment(home, extra), new Properties());
    }

    public static Settings settings(Path home) {
        return settings(home, Map.of());
    }
}
