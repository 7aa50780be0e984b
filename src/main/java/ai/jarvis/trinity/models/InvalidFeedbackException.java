package ai.jarvis.trinity.models;

/** A feedback message that can never be recorded (it goes to DLQ.trinity.feedback with this reason). */
public final class InvalidFeedbackException extends Exception {

    public InvalidFeedbackException(String reason) {
        super(reason, null, false, false);
    }
}
