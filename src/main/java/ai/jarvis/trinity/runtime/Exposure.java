package ai.jarvis.trinity.runtime;

import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;

/** A process bound beyond loopback must not be open to anyone on the network. */
final class Exposure {

    private Exposure() {
    }

    static void check(Settings settings) {
        if (Ports.bindAddress(settings).isLoopbackAddress()) {
            return;
        }
        boolean guarded = settings.isSet("trinity.api-token")
                && settings.isSet("trinity.broker-user") && settings.isSet("trinity.broker-password");
        if (!guarded) {
            throw new ConfigurationException(settings.describe("trinity.bind-host") + " is "
                    + settings.get("trinity.bind-host") + ", not a loopback address: set TRINITY_API_TOKEN, "
                    + "TRINITY_BROKER_USER and TRINITY_BROKER_PASSWORD first, or bind to 127.0.0.1");
        }
    }
}
