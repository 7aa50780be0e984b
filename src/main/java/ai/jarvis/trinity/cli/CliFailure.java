package ai.jarvis.trinity.cli;

/** A command that could not do its work: one line for the user, exit code 1. */
public final class CliFailure extends RuntimeException {

    public CliFailure(String message) {
        super(message);
    }
}
