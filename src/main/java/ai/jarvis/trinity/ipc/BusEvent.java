package ai.jarvis.trinity.ipc;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One event the hub saw on the bus: its sequence number (the SSE id), its topic without {@code trinity.events.},
 * when the hub received it (ISO-8601) and its data as compact JSON text.
 */
@JsonPropertyOrder({"id", "topic", "time", "data"})
public record BusEvent(long id, String topic, String time, @JsonRawValue String data) {
}
