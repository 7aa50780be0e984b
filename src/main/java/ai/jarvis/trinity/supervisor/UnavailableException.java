package ai.jarvis.trinity.supervisor;

/** A service that cannot be launched as declared (its program or repo path is missing); the message says why. */
final class UnavailableException extends Exception {

    UnavailableException(String reason) {
        super(reason);
    }
}
