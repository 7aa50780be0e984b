package ai.jarvis.trinity.supervisor;

import ai.jarvis.trinity.Launcher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The command line of a service: {@code ${self}} expanded, repo_path + script resolved, the program checked. */
public final class ChildCommand {

    public static final String SELF = "${self}";

    private ChildCommand() {
    }

    static List<String> resolve(ServiceSpec spec, String childJvmOptions) throws UnavailableException {
        List<String> command = new ArrayList<>();
        if (spec.command != null) {
            for (String part : spec.command) {
                if (SELF.equals(part)) {
                    command.addAll(self(childJvmOptions));
                } else {
                    command.add(part);
                }
            }
        } else {
            Path repo = Path.of(spec.repoPath);
            if (!Files.isDirectory(repo)) {
                throw new UnavailableException("repo path " + repo + " does not exist");
            }
            Path script = repo.resolve(spec.script);
            if (!Files.isRegularFile(script)) {
                throw new UnavailableException("script " + script + " does not exist");
            }
            String interpreter = spec.interpreter != null ? spec.interpreter
                    : spec.script.endsWith(".py") ? "python3" : null;
            if (interpreter != null) {
                command.add(interpreter);
            }
            command.add(script.toString());
        }
        checkProgram(command.get(0));
        return command;
    }

    /** This program: the running JVM with its class path and the launcher class. */
    public static List<String> self(String jvmOptions) {
        List<String> self = new ArrayList<>();
        self.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!jvmOptions.isBlank()) {
            self.addAll(Arrays.asList(jvmOptions.trim().split("\\s+")));
        }
        self.add("-cp");
        self.add(absoluteClassPath());
        self.add(Launcher.class.getName());
        return self;
    }

    /**
     * This JVM's class path with every entry made absolute: a child may run in another folder (a trainer runs in its
     * job's work dir), where {@code java -jar target/trinity-camel.jar}'s relative entry would not resolve.
     */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> entry.isEmpty() ? entry : Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static void checkProgram(String program) throws UnavailableException {
        if (program.contains(File.separator)) {
            Path path = Path.of(program);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new UnavailableException("program " + program + " does not exist or is not executable");
            }
            return;
        }
        if (findOnPath(program) == null) {
            throw new UnavailableException("program " + program + " is not on the PATH");
        }
    }

    static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
