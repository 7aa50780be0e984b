package ai.jarvis.trinity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Settings settings(Map<String, String> env, Properties system) {
        return Settings.load(env, system);
    }

    @Test
    void defaultsComeFromTheJarAndReferToEachOther() {
        Properties system = new Properties();
        system.setProperty("user.home", "/home/someone");
        Settings settings = settings(Map.of(), system);
        assertThat(settings.get("trinity.home")).isEqualTo("/home/someone/.jarvis");
        assertThat(settings.get("jarvis.registry-dir")).isEqualTo("/home/someone/.jarvis/registry");
        assertThat(settings.getPort("trinity.http-port")).isEqualTo(8080);
    }

    @Test
    void anEnvironmentVariableOverridesADefaultAndASystemPropertyOverridesBoth() {
        Properties system = new Properties();
        Settings fromEnvironment = settings(Map.of("TRINITY_HOME", "/srv/trinity", "JARVIS_REGISTRY_DIR", "/r"), system);
        assertThat(fromEnvironment.get("trinity.home")).isEqualTo("/srv/trinity");
        assertThat(fromEnvironment.get("training.state-db")).isEqualTo("/srv/trinity/training_state.db");
        assertThat(fromEnvironment.get("jarvis.registry-dir")).isEqualTo("/r");

        system.setProperty("trinity.home", "/from/system");
        assertThat(settings(Map.of("TRINITY_HOME", "/srv/trinity"), system).get("trinity.home")).isEqualTo("/from/system");
    }

    @Test
    void durationsAreSecondsWithDecimals() {
        Settings settings = settings(Map.of("TRINITY_SHUTDOWN_TIMEOUT", "0.25"), new Properties());
        assertThat(settings.getSeconds("trinity.shutdown-timeout")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badValuesNameTheVariableToFix() {
        Settings settings = settings(Map.of("TRINITY_HTTP_PORT", "70000", "TRINITY_SHUTDOWN_TIMEOUT", "soon",
                "TRINITY_ROUTES_RELOAD", "maybe"), new Properties());
        assertThatThrownBy(() -> settings.getPort("trinity.http-port"))
                .hasMessageContaining("TRINITY_HTTP_PORT").hasMessageContaining("70000");
        assertThatThrownBy(() -> settings.getSeconds("trinity.shutdown-timeout"))
                .hasMessageContaining("TRINITY_SHUTDOWN_TIMEOUT").hasMessageContaining("soon");
        assertThatThrownBy(() -> settings.getBoolean("trinity.routes-reload"))
                .hasMessageContaining("TRINITY_ROUTES_RELOAD");
    }

    @Test
    void withReplacesAValueWhateverTheEnvironmentSays() {
        Settings settings = settings(Map.of("TRINITY_HTTP_PORT", "0"), new Properties()).with("trinity.http-port", "4321");
        assertThat(settings.getPort("trinity.http-port")).isEqualTo(4321);
        assertThat(settings.resolved().getProperty("trinity.http-port")).isEqualTo("4321");
    }
}
