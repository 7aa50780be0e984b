package ai.jarvis.trinity;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.cli.Cli;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.config.TrinityHome;
import ai.jarvis.trinity.logging.TrinityLogConfigurator;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.runtime.ShutdownSignals;
import ai.jarvis.trinity.runtime.TrinityNode;
import ai.jarvis.trinity.training.trainer.TrainerCommand;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar trinity-camel.jar [hub|prime|reactor]}: starts one process of the Trinity ecosystem;
 * {@code java -jar trinity-camel.jar COMMAND}: talks to a running hub (package {@code cli}).
 */
@Command(name = "trinity-camel",
        mixinStandardHelpOptions = true,
        versionProvider = Launcher.Version.class,
        subcommands = TrainerCommand.class,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Supervisor and integration hub of the JARVIS / J-Prime / Reactor-Core ecosystem.",
            "With no argument it starts the hub: the embedded Artemis broker, the Camel routes of",
            "routes/, the REST API, and the supervised services of services.yaml.",
            "Settings come from environment variables (see README.md), e.g. TRINITY_HOME.",
            "The commands below talk to a running hub (found in the registry file, or --url)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly (SIGINT/SIGTERM), or --help / --version; a command succeeded",
            "1:could not start (the message names the setting or file to fix); a command failed",
            "2:unknown role, command or option"})
public final class Launcher implements Callable<Integer> {

    public static final int EXIT_STARTUP_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Parameters(index = "0", arity = "0..1", defaultValue = "hub", paramLabel = "ROLE",
            description = "hub (default), prime (model server) or reactor (training worker)")
    private Role role;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Launcher());
        for (Class<?> command : Cli.COMMANDS) {
            commandLine.addSubcommand(command);
        }
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Launcher::usageError)
                .setExecutionExceptionHandler(Cli::failure)
                .execute(args);
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        if (e.getCommandLine().getCommand() instanceof TrainerCommand) {
            return TrainerCommand.usageError(e, args);
        }
        if (!(e.getCommandLine().getCommand() instanceof Launcher)) {
            return Cli.usageError(e);
        }
        PrintWriter err = e.getCommandLine().getErr();
        err.println("trinity-camel: " + e.getMessage().replaceAll("\\s*\\R\\s*", " ")
                + " (try --help; roles: hub, prime, reactor; commands: status, logs, train, ...)");
        err.flush();
        return EXIT_USAGE;
    }

    @Override
    public Integer call() {
        TrinityNode node;
        ShutdownSignals signals;
        try {
            Settings settings = Settings.load();
            Logging.configure(role, settings);
            // Before the start: a SIGTERM while the node starts is a clean stop as soon as it has started.
            signals = ShutdownSignals.install(settings.getSeconds("trinity.shutdown-timeout"));
            node = TrinityNode.start(role, settings);
        } catch (ConfigurationException e) {
            return startupFailure(e.getMessage());
        } catch (RuntimeException e) {
            return startupFailure(rootMessage(e));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "trinity-shutdown-hook"));
        if (role != Role.HUB) {
            stopWithParentHub(signals);
        }
        signals.awaitStopRequest();
        node.close();
        return 0;
    }

    /** A built-in role started by a hub ends when that hub is gone (even killed with -9): no orphans. */
    private static void stopWithParentHub(ShutdownSignals signals) {
        String parent = System.getenv("TRINITY_PARENT_PID");
        if (parent == null || parent.isBlank()) {
            return;
        }
        Optional<ProcessHandle> hub = ProcessHandle.of(Long.parseLong(parent.trim()));
        if (hub.isEmpty()) {
            signals.requestStop("parent hub " + parent + " is gone");
            return;
        }
        hub.get().onExit().thenRun(() -> signals.requestStop("parent hub " + parent + " is gone"));
    }

    private static int startupFailure(String message) {
        System.err.println("trinity-camel: error: " + message);
        return EXIT_STARTUP_FAILURE;
    }

    /** The version as Maven built it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trinity-camel " + TrinityNode.version()};
        }
    }

    /** Logging is set up from the settings before the first logger exists. */
    static final class Logging {
        private Logging() {
        }

        static void configure(Role role, Settings settings) {
            System.setProperty(TrinityLogConfigurator.LEVEL, settings.get("trinity.log-level"));
            if (role == Role.HUB) {
                TrinityHome.prepare(settings);
                System.setProperty(TrinityLogConfigurator.FILE,
                        settings.getPath("trinity.logs-dir").resolve("hub.log").toString());
                System.setProperty(TrinityLogConfigurator.MAX_SIZE, settings.get("trinity.log-max-size"));
                System.setProperty(TrinityLogConfigurator.MAX_FILES, settings.get("trinity.log-max-files"));
            }
        }
    }
}
