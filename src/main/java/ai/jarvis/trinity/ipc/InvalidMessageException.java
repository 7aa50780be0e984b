package ai.jarvis.trinity.ipc;

/**
 * A broker message that can never be handled (not JSON, a required field missing, a wrong type, an unknown model):
 * routes with the routeConfiguration {@code reject-invalid-message} move it to its dead-letter queue at once, with
 * this message as the reason, instead of having it redelivered.
 */
public final class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String reason) {
        super(reason, null, false, false);
    }
}
