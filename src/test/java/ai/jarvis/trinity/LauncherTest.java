package ai.jarvis.trinity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line answers --help, --version and usage errors without starting anything. */
class LauncherTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void captureConsole() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void helpListsTheRolesAndExitCodes() {
        assertThat(Launcher.run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("hub (default), prime (model server) or reactor (training worker)")
                .contains("Exit codes:");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(Launcher.run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("trinity-camel ").doesNotContain("unknown");
    }

    @Test
    void unknownRoleIsAUsageErrorOnOneLine() {
        assertThat(Launcher.run("teapot")).isEqualTo(Launcher.EXIT_USAGE);
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(message).doesNotContain("\n").contains("'teapot'").contains("hub, prime, reactor");
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThat(Launcher.run("--frobnicate")).isEqualTo(Launcher.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).doesNotContain("\n").contains("--frobnicate");
    }
}
