package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.api.HealthReport;
import ai.jarvis.trinity.api.ServicesView;
import ai.jarvis.trinity.runtime.Role;
import ai.jarvis.trinity.training.JobStore;
import ai.jarvis.trinity.training.ReactorWorker;
import ai.jarvis.trinity.training.TrainingApi;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.spi.Registry;

/**
 * What each role answers over RPC and query (README, "RPC and query"): {@code ping} everywhere, and the role's own
 * methods, served by the beans its routes already use (looked up by their route names).
 */
final class RoleMethods {

    private RoleMethods() {
    }

    static RpcMethods of(Role role, String serviceName, Registry beans, Path modelsDir) {
        RpcMethods methods = new RpcMethods().add("ping", List.of(), params -> ping(role, serviceName));
        HealthReport health = beans.lookupByNameAndType("healthReport", HealthReport.class);
        switch (role) {
            case HUB -> {
                ServicesView services = beans.lookupByNameAndType("servicesView", ServicesView.class);
                TrainingApi training = beans.lookupByNameAndType("trainingApi", TrainingApi.class);
                JobStore models = beans.lookupByNameAndType("jobStore", JobStore.class);
                methods.add("get_state", List.of(), params -> health.report())
                        .add("list_services", List.of(), params -> services.list("true"))
                        .add("list_jobs", List.of("status", "limit"), params -> training.jobs(
                                params.text("status").orElse(null),
                                params.integer("limit").map(String::valueOf).orElse(null)))
                        .add("get_deployed_model", List.of(), params -> models.deployedModel().orElse(null));
            }
            case REACTOR -> {
                ReactorWorker worker = beans.lookupByNameAndType("reactorWorker", ReactorWorker.class);
                methods.add("get_resources", List.of(), params -> resources(health, worker));
            }
            case PRIME -> methods.add("get_model_info", List.of(), params -> ModelFiles.newest(modelsDir));
        }
        return methods;
    }

    private static Map<String, Object> ping(Role role, String serviceName) {
        Map<String, Object> pong = new LinkedHashMap<>();
        pong.put("service", serviceName);
        pong.put("role", role.id());
        pong.put("pid", ProcessHandle.current().pid());
        pong.put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        return pong;
    }

    /** The machine as the health report sees it, its processor count, and the job running now (null when idle). */
    private static Map<String, Object> resources(HealthReport health, ReactorWorker worker) {
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("cpus", Runtime.getRuntime().availableProcessors());
        @SuppressWarnings("unchecked")
        Map<String, Object> system = (Map<String, Object>) health.report().get("system");
        resources.putAll(system);
        resources.put("job", worker.currentJob());
        return resources;
    }
}
