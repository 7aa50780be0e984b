package ai.jarvis.trinity.ipc;

/**
 * A request answered with {@code {"error": {"code": ..., "message": ...}}}. The codes are JSON-RPC 2.0's, so that
 * clients that know JSON-RPC read them as they expect.
 */
public final class RpcError extends RuntimeException {

    /** The request body is not JSON. */
    public static final int PARSE_ERROR = -32700;
    /** The body is JSON but not a request: not an object, or no {@code method}. */
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    /** {@code params} is not an object, names a parameter the method does not take, or holds a wrong value. */
    public static final int INVALID_PARAMS = -32602;
    /** The method itself failed; the message is the cause. */
    public static final int METHOD_FAILED = -32000;

    private final int code;

    public RpcError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
