package ai.jarvis.trinity.pipeline;

/**
 * A message on trinity.experiences that can never become an experience (not JSON, a required field missing, a wrong
 * type): it goes straight to DLQ.trinity.experiences with this message as its reason, without redelivery.
 */
public final class InvalidExperienceException extends RuntimeException {

    public InvalidExperienceException(String reason) {
        super(reason);
    }
}
