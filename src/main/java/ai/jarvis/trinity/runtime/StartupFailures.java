package ai.jarvis.trinity.runtime;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.config.ConfigurationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns whatever stopped a start into one line that names the file or setting at fault. */
final class StartupFailures {

    private static final Pattern ROUTE_FILE = Pattern.compile("((?:file|classpath):[^\\s,;)'\"]+\\.(?:yaml|xml))");

    private StartupFailures() {
    }

    static ConfigurationException explain(Throwable failure) {
        String routeFile = null;
        for (Throwable e = failure; e != null && routeFile == null; e = e.getCause() == e ? null : e.getCause()) {
            Matcher matcher = ROUTE_FILE.matcher(String.valueOf(e.getMessage()));
            if (matcher.find()) {
                routeFile = matcher.group(1);
            }
        }
        String reason = rootMessage(failure).replaceAll("\\s*\\R\\s*", " ");
        String message = routeFile != null
                ? "route file " + routeFile.replaceFirst("^file:", "") + " is invalid: " + reason : reason;
        return new ConfigurationException(message, failure);
    }
}
