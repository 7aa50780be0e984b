package ai.jarvis.trinity.training;

/** A dataset that cannot be used; the message says where and why, ready to show to a user. */
public class InvalidDatasetException extends RuntimeException {

    public InvalidDatasetException(String message) {
        super(message);
    }
}
