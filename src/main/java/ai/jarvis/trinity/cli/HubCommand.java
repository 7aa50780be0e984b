package ai.jarvis.trinity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a running hub over its REST API. */
abstract class HubCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @Mixin
    HubOptions hubOptions;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        return run(hubOptions.connect());
    }

    /** Does the work; returns the exit code (a {@link CliFailure} is exit code 1). */
    abstract int run(HubClient hub);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
