package ai.jarvis.trinity.registry;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One service in the registry file. The JSON field names are the contract with every other language
 * (README, "Service registry"); unknown fields written by other programs are kept, not dropped.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class ServiceEntry {

    @JsonProperty("service_name") public String serviceName;
    @JsonProperty("pid") public Long pid;
    /** Start time of the process (epoch seconds): with the pid, the identity of a process on its host. */
    @JsonProperty("process_started_at") public Double processStartedAt;
    /** Stable id of the machine the service runs on (not an address). */
    @JsonProperty("host") public String host;
    /** Where other programs connect to the service. */
    @JsonProperty("address") public String address;
    @JsonProperty("port") public Integer port;
    @JsonProperty("health_endpoint") public String healthEndpoint;
    @JsonProperty("status") public String status;
    @JsonProperty("registered_at") public Double registeredAt;
    @JsonProperty("last_heartbeat") public Double lastHeartbeat;
    @JsonProperty("metadata") public Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, Object> otherFields = new LinkedHashMap<>();

    @JsonAnySetter
    void keepOtherField(String name, Object value) {
        otherFields.put(name, value);
    }

    @JsonAnyGetter
    Map<String, Object> otherFields() {
        return otherFields;
    }

    public ServiceEntry copy() {
        ServiceEntry copy = new ServiceEntry();
        copy.serviceName = serviceName;
        copy.pid = pid;
        copy.processStartedAt = processStartedAt;
        copy.host = host;
        copy.address = address;
        copy.port = port;
        copy.healthEndpoint = healthEndpoint;
        copy.status = status;
        copy.registeredAt = registeredAt;
        copy.lastHeartbeat = lastHeartbeat;
        copy.metadata = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
        copy.otherFields.putAll(otherFields);
        return copy;
    }
}
