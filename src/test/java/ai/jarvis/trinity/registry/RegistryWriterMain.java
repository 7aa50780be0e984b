package ai.jarvis.trinity.registry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A separate process that writes the registry, for the multi-process tests:
 * {@code RegistryWriterMain <registry dir> <writer id> <services> <heartbeats per service>}.
 */
public final class RegistryWriterMain {

    private RegistryWriterMain() {
    }

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        String writer = args[1];
        int services = Integer.parseInt(args[2]);
        int heartbeats = Integer.parseInt(args[3]);
        ServiceRegistry registry = new ServiceRegistry(new RegistryFile(directory), "test-host",
                Duration.ofHours(1), event -> { }, Clock.systemUTC());
        long started = System.currentTimeMillis();
        for (int i = 0; i < services; i++) {
            ServiceEntry entry = new ServiceEntry();
            entry.serviceName = writer + "-" + i;
            entry.port = 10000 + i;
            entry.status = "starting";
            entry.metadata.put("heartbeats", heartbeats);
            registry.register(entry);
            for (int beat = 0; beat < heartbeats; beat++) {
                registry.heartbeat(entry.serviceName, beat % 2 == 0 ? "healthy" : "degraded");
            }
            registry.heartbeat(entry.serviceName, "healthy");
        }
        long ops = (long) services * (heartbeats + 2);
        System.out.println("done " + writer + " ops " + ops + " from " + started + " to " + System.currentTimeMillis());
    }
}
