package ai.jarvis.trinity.api;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the exception that ended a REST exchange into the API's error answer. */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The same error answer from a Vert.x handler that runs before Camel (request guards, streaming): ends the
     * response with {@code status} and {@code {"error": ..., "detail": ...}} as proper JSON.
     */
    public static void refuse(HttpServerResponse response, int status, String error, Object detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            json = "{\"error\":\"internal error\"}";
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }

    public Map<String, Object> answer(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int status;
        Map<String, Object> body = new LinkedHashMap<>();
        if (failure instanceof ApiException) {
            ApiException api = (ApiException) failure;
            status = api.status();
            body.put("error", api.error());
            body.put("detail", api.detail());
        } else {
            status = 500;
            body.put("error", "internal error");
            body.put("detail", failure == null ? null : rootMessage(failure));
            LOG.error("{} {} failed: {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), failure == null ? "?" : rootMessage(failure), failure);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return body;
    }
}
