package ai.jarvis.trinity.api;

/** A request the API answers with an error status and {@code {"error": ..., "detail": ...}}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final transient Object detail;

    public ApiException(int status, String error, Object detail) {
        super(error + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    public static ApiException badRequest(String error, Object detail) {
        return new ApiException(400, error, detail);
    }

    public static ApiException notFound(String error, Object detail) {
        return new ApiException(404, error, detail);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Object detail() {
        return detail;
    }
}
