package ai.jarvis.trinity;

import static org.assertj.core.api.Assertions.assertThat;

import ai.jarvis.trinity.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line answers --help, --version and usage errors without starting anything. */
class LauncherTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void helpListsTheRolesAndExitCodes() {
        assertThat(Launcher.run("--help")).isZero();
        assertThat(console.out())
                .contains("hub (default), prime (model server) or reactor (training worker)")
                .contains("Exit codes:");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(Launcher.run("--version")).isZero();
        assertThat(console.out()).startsWith("trinity-camel ").doesNotContain("unknown");
    }

    @Test
    void unknownRoleIsAUsageErrorOnOneLine() {
        assertThat(Launcher.run("teapot")).isEqualTo(Launcher.EXIT_USAGE);
        String message = console.err().strip();
        assertThat(message).doesNotContain("\n").contains("'teapot'").contains("hub, prime, reactor");
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThat(Launcher.run("--frobnicate")).isEqualTo(Launcher.EXIT_USAGE);
        assertThat(console.err().strip()).doesNotContain("\n").contains("--frobnicate");
    }
}
