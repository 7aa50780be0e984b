package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.util.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;

/** The TCP ports a process listens on: port 0 becomes a free port, and a taken port is a clear error. */
final class Ports {

    private static final List<String> BROKER_PORT_KEYS =
            List.of("trinity.broker-port", "trinity.amqp-port", "trinity.stomp-port", "trinity.mqtt-port");

    private Ports() {
    }

    /** The settings with every port of the role that is 0 (or empty) replaced by a port that is free now. */
    static Settings resolve(Role role, Settings settings) {
        Settings resolved = settings;
        for (String key : keys(role)) {
            String value = settings.get(key).trim();
            if (value.isEmpty() || resolved.getPort(key) == 0) {
                resolved = resolved.with(key, Integer.toString(freePort(settings)));
            }
        }
        return resolved;
    }

    /** Fails with the setting to change when a port of the role is already taken. */
    static void checkFree(Role role, Settings settings, ConfigFiles files) {
        String brokerXml = role == Role.HUB ? files.read("broker.xml") : "";
        for (String key : keys(role)) {
            boolean brokerPortInUse = brokerXml.contains("${" + key);
            if (key.equals(role.httpPortKey()) || brokerPortInUse) {
                int port = settings.getPort(key);
                if (!canBind(settings, port)) {
                    throw new ConfigurationException("port " + port + " on " + settings.get("trinity.bind-host")
                            + " is already in use: set " + settings.describe(key) + " to a free port (0 picks one)");
                }
            }
        }
    }

    private static List<String> keys(Role role) {
        if (role != Role.HUB) {
            return List.of(role.httpPortKey());
        }
        List<String> keys = new java.util.ArrayList<>(BROKER_PORT_KEYS);
        keys.add(0, role.httpPortKey());
        return keys;
    }

    private static boolean canBind(Settings settings, int port) {
        return FreePorts.canBind(bindAddress(settings), port);
    }

    private static int freePort(Settings settings) {
        try {
            return FreePorts.pick(bindAddress(settings));
        } catch (UncheckedIOException e) {
            throw new ConfigurationException(e.getMessage() + " (check " + settings.describe("trinity.bind-host") + ")");
        }
    }

    static InetAddress bindAddress(Settings settings) {
        String host = settings.get("trinity.bind-host");
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new ConfigurationException("unknown host '" + host + "': fix " + settings.describe("trinity.bind-host"));
        }
    }
}
