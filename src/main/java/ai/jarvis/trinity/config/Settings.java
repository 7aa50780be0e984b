package ai.jarvis.trinity.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every configuration value of a trinity process. Defaults come from {@code application.properties} in the jar;
 * an environment variable overrides a default, and a system property overrides both. The environment variable of
 * a key is the key upper-cased with dots and dashes turned into underscores ({@code trinity.http-port} is
 * {@code TRINITY_HTTP_PORT}), which is also how Camel maps its own keys, so one rule covers every key.
 * Values may refer to other keys ({@code {{trinity.home}}/registry}) and to system properties
 * ({@code {{sys:user.home}}}).
 */
public final class Settings {

    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([^}]+)}}");
    private static final int MAX_NESTING = 10;

    private final Map<String, String> defaults;
    private final Map<String, String> environment;
    private final Properties systemProperties;
    private final Map<String, String> overrides;

    private Settings(Map<String, String> defaults, Map<String, String> environment, Properties systemProperties,
                     Map<String, String> overrides) {
        this.defaults = defaults;
        this.environment = environment;
        this.systemProperties = systemProperties;
        this.overrides = overrides;
    }

    /** The settings of this process: the jar's defaults, this process's environment and system properties. */
    public static Settings load() {
        return load(System.getenv(), System.getProperties());
    }

    public static Settings load(Map<String, String> environment, Properties systemProperties) {
        Map<String, String> defaults = new TreeMap<>();
        try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is missing from the class path");
            }
            Properties file = new Properties();
            file.load(in);
            file.stringPropertyNames().forEach(key -> defaults.put(key, file.getProperty(key).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Settings(defaults, Map.copyOf(environment), (Properties) systemProperties.clone(), Map.of());
    }

    /** A copy in which {@code key} has {@code value}, whatever the environment says (used for resolved ports). */
    public Settings with(String key, String value) {
        Map<String, String> more = new TreeMap<>(overrides);
        more.put(key, value);
        return new Settings(defaults, environment, systemProperties, more);
    }

    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The raw value of a key before references are expanded, or null when nothing sets it. */
    private String raw(String key) {
        if (overrides.containsKey(key)) {
            return overrides.get(key);
        }
        String fromSystem = systemProperties.getProperty(key);
        if (fromSystem != null) {
            return fromSystem;
        }
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        return defaults.get(key);
    }

    /** Where the value of a key comes from, for error messages that tell the user what to change. */
    public String describe(String key) {
        return environmentName(key) + " (" + key + ")";
    }

    public boolean isSet(String key) {
        String value = raw(key);
        return value != null && !value.isBlank();
    }

    public String get(String key) {
        String value = raw(key);
        if (value == null) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
        return expand(value, 0);
    }

    public String get(String key, String fallback) {
        return raw(key) == null ? fallback : get(key);
    }

    private String expand(String value, int depth) {
        if (depth > MAX_NESTING) {
            throw new IllegalArgumentException("settings refer to each other in a loop: " + value);
        }
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            String replacement;
            if (name.startsWith("sys:")) {
                replacement = systemProperties.getProperty(name.substring(4), "");
            } else if (name.startsWith("env:")) {
                replacement = environment.getOrDefault(name.substring(4), "");
            } else {
                String referenced = raw(name);
                if (referenced == null) {
                    throw new IllegalArgumentException("setting refers to unknown key " + name + ": " + value);
                }
                replacement = expand(referenced, depth + 1);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    public int getInt(String key) {
        String value = get(key);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(describe(key) + " must be a whole number, not '" + value + "'");
        }
    }

    public long getLong(String key) {
        String value = get(key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(describe(key) + " must be a whole number, not '" + value + "'");
        }
    }

    public int getPort(String key) {
        int port = getInt(key);
        if (port < 0 || port > 65535) {
            throw new ConfigurationException(describe(key) + " must be a port from 0 to 65535, not " + port);
        }
        return port;
    }

    public boolean getBoolean(String key) {
        String value = get(key).trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw new ConfigurationException(describe(key) + " must be true or false, not '" + value + "'");
        }
    }

    /** A duration given in seconds, decimals allowed ({@code 0.5} is half a second). */
    public Duration getSeconds(String key) {
        String value = get(key);
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos(Math.round(seconds * 1_000_000_000L));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(describe(key) + " must be a number of seconds, not '" + value + "'");
        }
    }

    public Path getPath(String key) {
        return Path.of(get(key)).toAbsolutePath().normalize();
    }

    /** Every key the jar defines, plus the overrides, with references expanded. */
    public Properties resolved() {
        Properties all = new Properties();
        for (String key : defaults.keySet()) {
            all.setProperty(key, get(key));
        }
        overrides.keySet().forEach(key -> all.setProperty(key, get(key)));
        return all;
    }
}
