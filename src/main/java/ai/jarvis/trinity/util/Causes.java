package ai.jarvis.trinity.util;

/** Turns an exception chain into the one line a user needs. */
public final class Causes {

    private Causes() {
    }

    public static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    public static String rootMessage(Throwable e) {
        Throwable root = root(e);
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message.strip();
    }
}
