package ai.jarvis.trinity.cli;

import ai.jarvis.trinity.util.Causes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads route files as Camel Main would, into a Camel context that is never started: the YAML parses and the DSL
 * accepts every node and field. Beans and endpoints are only resolved at start, so they are not checked.
 */
final class RouteFileCheck {

    private static final Pattern LINE = Pattern.compile("line (\\d+), column");

    private RouteFileCheck() {
    }

    /**
     * The files one role reads ({@code includePattern}: Camel's comma-separated resource patterns), each with its
     * problem ("" when it loads). A file that uses a route template of another file is tried again after the others.
     */
    static Map<String, String> check(String includePattern) throws Exception {
        Map<String, String> results = new LinkedHashMap<>();
        try (CamelContext context = new DefaultCamelContext()) {
            List<Resource> failed = new ArrayList<>();
            for (Resource resource : resources(context, includePattern)) {
                if (!load(context, resource, results)) {
                    failed.add(resource);
                }
            }
            for (Resource resource : failed) {
                load(context, resource, results);
            }
        }
        return results;
    }

    private static List<Resource> resources(CamelContext context, String includePattern) throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (String location : includePattern.split(",")) {
            if (location.isBlank()) {
                continue;
            }
            if (location.contains("*")) {
                PluginHelper.getPackageScanResourceResolver(context).findResources(location).stream()
                        .sorted(Comparator.comparing(Resource::getLocation)).forEach(resources::add);
            } else {
                resources.add(ResourceHelper.resolveMandatoryResource(context, location));
            }
        }
        return resources;
    }

    private static boolean load(CamelContext context, Resource resource, Map<String, String> results) {
        String name = resource.getLocation().replaceFirst("^file:", "").replaceFirst("^classpath:", "jar:");
        try {
            PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            results.put(name, "");
            return true;
        } catch (Exception | LinkageError e) {
            results.put(name, describe(e));
            return false;
        }
    }

    /** "line 6: Unknown node id: frobnicate": the message's own lines, without the YAML excerpt and caret. */
    private static String describe(Throwable e) {
        String message = Causes.rootMessage(e);
        Matcher line = LINE.matcher(message);
        String text = message.lines().filter(part -> !part.isBlank() && !Character.isWhitespace(part.charAt(0)))
                .collect(Collectors.joining("; "));
        return (line.find() ? "line " + line.group(1) + ": " : "") + text;
    }
}
