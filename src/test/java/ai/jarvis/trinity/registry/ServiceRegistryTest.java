package ai.jarvis.trinity.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.jarvis.trinity.api.ApiException;
import ai.jarvis.trinity.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceRegistryTest {

    private static final String HOST = "this-host";

    @TempDir
    Path dir;

    private final List<RegistryEvent> events = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private ServiceRegistry registry;

    @BeforeEach
    void registry() {
        registry = new ServiceRegistry(new RegistryFile(dir), HOST, Duration.ofSeconds(60), events::add, clock);
    }

    @Test
    void registerHeartbeatDeregisterAreAnnouncedAsEvents() {
        ServiceEntry entry = registry.register(service("jarvis-prime", null));
        assertThat(entry.host).isEqualTo(HOST);
        assertThat(entry.status).isEqualTo("starting");
        assertThat(entry.registeredAt).isEqualTo(entry.lastHeartbeat);

        clock.advance(Duration.ofSeconds(5));
        ServiceEntry beat = registry.heartbeat("jarvis-prime", "healthy");
        assertThat(beat.lastHeartbeat).isEqualTo(entry.lastHeartbeat + 5);
        registry.heartbeat("jarvis-prime", "healthy");
        assertThat(registry.deregister("jarvis-prime")).isTrue();
        assertThat(registry.deregister("jarvis-prime")).isFalse();

        assertThat(events).extracting(RegistryEvent::getKind)
                .containsExactly("registered", "status", "deregistered");
    }

    @Test
    void listShowsAvailableServicesUnlessAllAreAsked() {
        registry.register(service("up", "healthy"));
        registry.register(service("busy", "degraded"));
        registry.register(service("booting", "starting"));
        registry.register(service("sick", "unhealthy"));
        assertThat(names(registry.list(false))).containsExactlyInAnyOrder("up", "busy");
        assertThat(names(registry.list(true))).containsExactlyInAnyOrder("up", "busy", "booting", "sick");
    }

    @Test
    void anExpiredHeartbeatMakesAnEntryStale() {
        registry.register(service("quiet", "healthy"));
        registry.register(service("chatty", "healthy"));
        clock.advance(Duration.ofSeconds(50));
        registry.heartbeat("chatty", null);
        clock.advance(Duration.ofSeconds(20));

        assertThat(registry.discover("quiet")).isEmpty();
        List<RegistryEvent> stale = registry.removeStale();
        assertThat(stale).extracting(RegistryEvent::getServiceName).containsExactly("quiet");
        assertThat(stale.get(0).getReason()).startsWith("no heartbeat for 70");
        assertThat(registry.list(true)).extracting(e -> e.serviceName).containsExactly("chatty");
    }

    @Test
    void anEntryWhoseProcessIsGoneIsStaleOnThisHostOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ServiceEntry local = service("local-dead", "healthy");
        local.pid = gone.pid();
        registry.register(local);
        ServiceEntry remote = service("remote", "healthy");
        remote.pid = gone.pid();
        remote.host = "another-machine";
        registry.register(remote);

        List<RegistryEvent> stale = registry.removeStale();
        assertThat(stale).extracting(RegistryEvent::getServiceName).containsExactly("local-dead");
        assertThat(stale.get(0).getReason()).contains("process " + gone.pid() + " is gone");
        assertThat(registry.discover("remote")).isPresent();
    }

    @Test
    void aReusedPidIsNotMistakenForTheRegisteredProcess() {
        ServiceEntry entry = service("reused", "healthy");
        entry.pid = ProcessHandle.current().pid();
        entry.processStartedAt = 1_000_000.0; // this pid, but a process that started long ago
        registry.register(entry);
        assertThat(registry.removeStale()).extracting(RegistryEvent::getServiceName).containsExactly("reused");

        ServiceEntry alive = service("alive", "healthy");
        alive.pid = ProcessHandle.current().pid();
        registry.register(alive);
        assertThat(registry.removeStale()).isEmpty();
        assertThat(registry.discover("alive").orElseThrow().processStartedAt).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UPPER", "has/slash", "dot/../dot", "new\nline", "tab\tname", "-leading",
            "a-name-that-is-far-too-long-for-the-registry-because-it-exceeds-sixty-four"})
    void invalidNamesAreRefused(String name) {
        assertThatThrownBy(() -> registry.register(service(name, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\t");
                });
        assertThat(registry.list(true)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100000})
    void portsOutOfRangeAreRefused(int port) {
        ServiceEntry entry = service("svc", null);
        entry.port = port;
        assertThatThrownBy(() -> registry.register(entry))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining(Integer.toString(port));
    }

    @Test
    void anUnknownStatusOrServiceIsRefused() {
        registry.register(service("svc", null));
        assertThatThrownBy(() -> registry.heartbeat("svc", "sleepy"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> registry.heartbeat("nobody", "healthy"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void waitForReturnsWhenAnotherProcessRegistersTheService() {
        ServiceRegistry realTime = new ServiceRegistry(new RegistryFile(dir), HOST, Duration.ofSeconds(60),
                events::add, Clock.systemUTC());
        try (ChildProcess writer = ChildProcess.startMain(dir.resolve("proc"), Map.of(), RegistryWriterMain.class,
                dir.toString(), "late", "1", "0")) {
            Optional<ServiceEntry> found = realTime.waitFor("late-0", Duration.ofSeconds(60));
            assertThat(found).isPresent();
            assertThat(found.get().port).isEqualTo(10000);
        }
        assertThat(realTime.waitFor("never", Duration.ofMillis(200))).isEmpty();
    }

    private static ServiceEntry service(String name, String status) {
        ServiceEntry entry = new ServiceEntry();
        entry.serviceName = name;
        entry.status = status;
        entry.port = 8000;
        return entry;
    }

    private static List<String> names(List<ServiceEntry> entries) {
        return entries.stream().map(e -> e.serviceName).collect(Collectors.toList());
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
