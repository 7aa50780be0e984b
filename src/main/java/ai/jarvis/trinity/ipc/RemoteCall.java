package ai.jarvis.trinity.ipc;

/**
 * One request the hub sends for {@code POST /api/rpc|query/{service}/{method}}: where to, the JSON body, and how long
 * the caller waits (which is also how long the request lives on the broker).
 */
public final class RemoteCall {

    private final String destination;
    private final String method;
    private final String json;
    private final long timeoutMillis;
    private final long expiration;

    RemoteCall(String destination, String method, String json, long timeoutMillis) {
        this.destination = destination;
        this.method = method;
        this.json = json;
        this.timeoutMillis = timeoutMillis;
        this.expiration = System.currentTimeMillis() + timeoutMillis;
    }

    /** The queue, {@code trinity.rpc.<service>} or {@code trinity.query.<service>}. */
    public String getDestination() {
        return destination;
    }

    public String getMethod() {
        return method;
    }

    /** {@code {"method": ..., "params": {...}}}. */
    public String getJson() {
        return json;
    }

    public long getTimeoutMillis() {
        return timeoutMillis;
    }

    /** When the request expires on the broker (epoch milliseconds, the JMSExpiration of the message). */
    public long getExpiration() {
        return expiration;
    }
}
