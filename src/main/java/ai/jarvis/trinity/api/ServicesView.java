package ai.jarvis.trinity.api;

import ai.jarvis.trinity.registry.RegistryApi;
import ai.jarvis.trinity.registry.ServiceEntry;
import ai.jarvis.trinity.supervisor.Supervisor;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /api/services}: registry entries with the supervisor's view of each supervised one under
 * {@code supervision} (state, pid, restarts, uptime, last exit code). With {@code all=true}, supervised services
 * that are not registered (stopped, failed, unavailable) are listed too.
 */
public final class ServicesView {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final RegistryApi registry;
    private final Supervisor supervisor;
    private final ObjectMapper json = new ObjectMapper();

    public ServicesView(RegistryApi registry, Supervisor supervisor) {
        this.registry = registry;
        this.supervisor = supervisor;
    }

    public List<Map<String, Object>> list(String all) {
        Map<String, Map<String, Object>> supervision = supervisor == null ? Map.of() : supervisor.views();
        List<Map<String, Object>> answer = new ArrayList<>();
        for (ServiceEntry entry : registry.list(all)) {
            answer.add(withSupervision(entry, supervision.get(entry.serviceName)));
        }
        if ("true".equalsIgnoreCase(all)) {
            Set<String> listed = answer.stream().map(e -> (String) e.get("service_name")).collect(Collectors.toSet());
            supervision.forEach((name, view) -> {
                if (!listed.contains(name)) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("service_name", name);
                    entry.put("status", null);
                    entry.put("supervision", view);
                    answer.add(entry);
                }
            });
        }
        return answer;
    }

    public Map<String, Object> get(String name, String wait) {
        ServiceEntry entry = registry.get(name, wait);
        return withSupervision(entry, supervisor != null && supervisor.supervises(name) ? supervisor.views().get(name) : null);
    }

    private Map<String, Object> withSupervision(ServiceEntry entry, Map<String, Object> supervision) {
        Map<String, Object> map = json.convertValue(entry, MAP);
        if (supervision != null) {
            map.put("supervision", supervision);
        }
        return map;
    }
}
