package ai.jarvis.trinity.cli;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The commands that talk to a running hub (and check-config), and how their errors reach the user. */
public final class Cli {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** In the order the launcher's help lists them. */
    public static final Class<?>[] COMMANDS = {
        StatusCommand.class, LogsCommand.class, ServiceCommands.Start.class, ServiceCommands.Stop.class,
        ServiceCommands.Restart.class, JobsCommand.class, TrainJobCommand.class, EventsCommand.class,
        QueuesCommand.class, DlqCommand.class, CheckConfigCommand.class};

    private Cli() {
    }

    /** The problem on one line, then the command's usage line and where help is: exit code 2. */
    public static int usageError(ParameterException e) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        Help help = command.getHelp();
        err.println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** A command that failed: its one line, never a stack trace; exit code 1. */
    public static int failure(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(e instanceof CliFailure ? e.getMessage()
                : command.getCommandSpec().qualifiedName() + ": error: " + rootMessage(e).replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return EXIT_FAILURE;
    }
}
