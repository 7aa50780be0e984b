package ai.jarvis.trinity.training.trainer;

import java.io.PrintWriter;
import java.util.Optional;

/** A trainer started by a hub or reactor ends when that process is gone (even killed with -9): no orphans. */
final class ParentProcessWatch {

    private ParentProcessWatch() {
    }

    /** Does nothing when {@code parentPid} is unset or not a number. */
    static void exitWhenGone(String parentPid, PrintWriter err) {
        if (parentPid == null || !parentPid.strip().matches("\\d+")) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(parentPid.strip()));
        if (parent.isEmpty()) {
            exit(parentPid, err);
            return;
        }
        parent.get().onExit().thenRun(() -> exit(parentPid, err));
    }

    private static void exit(String parentPid, PrintWriter err) {
        err.println("trainer: error: parent process " + parentPid.strip() + " is gone");
        err.flush();
        System.exit(1);
    }
}
