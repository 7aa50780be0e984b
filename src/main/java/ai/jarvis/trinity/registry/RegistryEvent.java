package ai.jarvis.trinity.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A change of the registry, published on {@code trinity.events.registry.<kind>}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RegistryEvent {

    public static final String REGISTERED = "registered";
    public static final String DEREGISTERED = "deregistered";
    public static final String STALE = "stale";
    public static final String STATUS = "status";

    @JsonProperty("event") private final String kind;
    @JsonProperty("service_name") private final String serviceName;
    @JsonProperty("service") private final ServiceEntry service;
    @JsonProperty("previous_status") private final String previousStatus;
    @JsonProperty("reason") private final String reason;
    @JsonProperty("ts") private final double timestamp;

    RegistryEvent(String kind, ServiceEntry service, String previousStatus, String reason, double timestamp) {
        this.kind = kind;
        this.serviceName = service.serviceName;
        this.service = service.copy();
        this.previousStatus = previousStatus;
        this.reason = reason;
        this.timestamp = timestamp;
    }

    public String getKind() {
        return kind;
    }

    public String getServiceName() {
        return serviceName;
    }

    public String getReason() {
        return reason;
    }

    @Override
    public String toString() {
        return kind + " " + serviceName + (reason == null ? "" : " (" + reason + ")");
    }
}
