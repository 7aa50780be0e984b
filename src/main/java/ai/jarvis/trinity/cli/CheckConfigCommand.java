package ai.jarvis.trinity.cli;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.logging.TrinityLogConfigurator;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.supervisor.ServicesConfig;
import ai.jarvis.trinity.util.Causes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check-config", sortOptions = false, usageHelpWidth = 100,
        description = {"Checks broker.xml, routes/ and services.yaml without starting anything (no hub needed).",
            "broker.xml goes through Artemis' schema and parser (placeholders filled from the settings), each route",
            "file through Camel's route loader, services.yaml through the supervisor's parser. The files come from",
            "--config-dir, else TRINITY_CONFIG_DIR, else the working directory; a file that is not there is the",
            "jar's copy. One line per file: ok, or FILE: problem."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file is valid", "1:a file has a problem", "2:usage error"})
final class CheckConfigCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @Option(names = "--config-dir", paramLabel = "DIR", description = "the folder holding broker.xml, routes/, services.yaml")
    Path configDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Camel and Artemis would log what this command reports itself.
        System.setProperty(TrinityLogConfigurator.LEVEL, "OFF");
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = Settings.load();
        if (configDir != null) {
            settings = settings.with("trinity.config-dir", configDir.toAbsolutePath().toString());
        }
        ConfigFiles files;
        try {
            files = new ConfigFiles(settings);
        } catch (ConfigurationException e) {
            throw new CliFailure(e.getMessage());
        }
        Map<String, String> results = new LinkedHashMap<>();
        results.put(files.origin("broker.xml"), broker(settings, files));
        for (Role role : Role.values()) {
            RouteFileCheck.check(files.routesIncludePattern(role.routeFolders())).forEach(results::putIfAbsent);
        }
        results.put(files.origin("services.yaml"), services(settings, files));
        long problems = results.values().stream().filter(problem -> !problem.isEmpty()).count();
        results.forEach((file, problem) -> out.println(problem.isEmpty() ? "ok     " + file : file + ": " + problem));
        out.println(problems == 0 ? "configuration is valid (" + results.size() + " files)"
                : problems + " of " + results.size() + " files have problems");
        out.flush();
        return problems == 0 ? 0 : 1;
    }

    private static String broker(Settings settings, ConfigFiles files) {
        try {
            // The in-VM acceptor's id, which a hub picks at start.
            new EmbeddedBroker(settings.with("trinity.broker-vm-id", "0"), files).check();
            return "";
        } catch (ConfigurationException e) {
            return withoutOrigin(e.getMessage(), files.origin("broker.xml"));
        } catch (RuntimeException e) {
            return Causes.rootMessage(e);
        }
    }

    private static String services(Settings settings, ConfigFiles files) {
        try {
            ServicesConfig.load(files, settings);
            return "";
        } catch (ConfigurationException e) {
            return withoutOrigin(e.getMessage(), files.origin("services.yaml"));
        } catch (RuntimeException e) {
            return Causes.rootMessage(e);
        }
    }

    /** "invalid /x/broker.xml at line 3: reason" -> "line 3: reason": the file is named once, in front. */
    private static String withoutOrigin(String message, String origin) {
        String prefix = "invalid " + origin;
        if (!message.startsWith(prefix)) {
            return message;
        }
        return message.substring(prefix.length()).replaceFirst("^ at line (\\d+):", "line $1:").replaceFirst("^:\\s*", "");
    }
}
