package ai.jarvis.trinity.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the user-editable configuration: broker.xml, routes/ and services.yaml. A file in the configuration
 * folder (TRINITY_CONFIG_DIR, else the working directory) wins over the copy the jar carries under defaults/.
 */
public final class ConfigFiles {

    private static final String JAR_DEFAULTS = "defaults/";

    private final Path directory;

    public ConfigFiles(Settings settings) {
        if (settings.isSet("trinity.config-dir")) {
            directory = settings.getPath("trinity.config-dir");
            if (!Files.isDirectory(directory)) {
                throw new ConfigurationException("configuration folder " + directory + " does not exist: fix "
                        + settings.describe("trinity.config-dir"));
            }
        } else {
            directory = Path.of("").toAbsolutePath();
        }
    }

    /** A file of that name in the configuration folder, if there is one. */
    public Optional<Path> onDisk(String name) {
        Path file = directory.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Where a file comes from, for logs and errors: a path on disk or "jar:defaults/name". */
    public String origin(String name) {
        return onDisk(name).map(Path::toString).orElse("jar:" + JAR_DEFAULTS + name);
    }

    public String read(String name) {
        Optional<Path> file = onDisk(name);
        try {
            if (file.isPresent()) {
                return Files.readString(file.get(), StandardCharsets.UTF_8);
            }
            try (InputStream in = jarResource(name).openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + origin(name) + " (" + TrinityHome.reason(e) + ")");
        }
    }

    private static URL jarResource(String name) {
        URL url = ConfigFiles.class.getClassLoader().getResource(JAR_DEFAULTS + name);
        if (url == null) {
            throw new UncheckedIOException(new IOException("the jar has no " + JAR_DEFAULTS + name));
        }
        return url;
    }

    /** The route folders on disk, when the user has a routes/ folder (it replaces the jar's routes entirely). */
    public Optional<List<Path>> routeFoldersOnDisk(List<String> folders) {
        Path routes = directory.resolve("routes");
        if (!Files.isDirectory(routes)) {
            return Optional.empty();
        }
        return Optional.of(folders.stream().map(routes::resolve).filter(Files::isDirectory).collect(Collectors.toList()));
    }

    /** Camel's routes-include-pattern for these folders of routes/: on disk, else the jar's copies. */
    public String routesIncludePattern(List<String> folders) {
        Optional<List<Path>> onDisk = routeFoldersOnDisk(folders);
        if (onDisk.isPresent()) {
            return onDisk.get().stream()
                    .map(dir -> "file:" + dir + "/*.yaml,file:" + dir + "/*.xml")
                    .collect(Collectors.joining(","));
        }
        // Named one by one: a classpath wildcard makes Camel scan the whole fat jar (seconds at start-up).
        List<String> resources = new ArrayList<>();
        for (String folder : folders) {
            String base = JAR_DEFAULTS + "routes/" + (folder.isEmpty() ? "" : folder + "/");
            jarEntries(base).stream()
                    .filter(name -> name.endsWith(".yaml") || name.endsWith(".xml"))
                    .forEach(name -> resources.add("classpath:" + base + name));
        }
        return String.join(",", resources);
    }

    /** The file names directly inside a folder of the jar (or of target/classes, when run from a build). */
    private static List<String> jarEntries(String folder) {
        URL url = ConfigFiles.class.getClassLoader().getResource(folder);
        if (url == null) {
            return List.of();
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return names(jar.provider().getPath(uri));
                }
            }
            return names(Path.of(uri));
        } catch (IOException | URISyntaxException e) {
            throw new ConfigurationException("cannot list the jar's " + folder + " (" + e.getMessage() + ")");
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).sorted()
                    .collect(Collectors.toList());
        }
    }
}
