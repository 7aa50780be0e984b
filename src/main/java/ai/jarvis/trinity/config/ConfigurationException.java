package ai.jarvis.trinity.config;

/** A problem the user can fix by changing a setting or a file; its message is the whole story, one line. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
