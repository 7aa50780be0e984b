package ai.jarvis.trinity.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.reader.TextMessageUtil;

/** What the API shows of a message the broker holds: its id, body and application properties. */
final class StoredMessage {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** AMQP messages whose message-id is not a UUID keep it here (Artemis' name). */
    private static final String NATIVE_MESSAGE_ID = "NATIVE_MESSAGE_ID";
    private static final String ORIGINAL_MESSAGE_ID = "trinity_original_message_id";

    private StoredMessage() {
    }

    /**
     * The id the message was first sent with: the JMSMessageID ({@code ID:...}) the REST API answered and a JMS
     * consumer sees, computed as the broker's filter identifier {@code AMQUserID} is; a copy that a worker route
     * dead-lettered (a new JMS message) keeps the first one in {@code trinity_original_message_id}. {@link #idFilter}
     * finds a message by either.
     */
    static String id(Message message) {
        String original = stringProperty(message, ORIGINAL_MESSAGE_ID);
        if (original != null) {
            return original;
        }
        Object userId = message.getUserID();
        if (userId == null) {
            return message.getStringProperty(NATIVE_MESSAGE_ID);
        }
        String id = userId.toString();
        return id.startsWith("ID:") ? id : "ID:" + id;
    }

    /** A broker filter that selects the message whose {@link #id} is {@code messageId}. */
    static String idFilter(String messageId) {
        String quoted = "'" + messageId.replace("'", "''") + "'";
        return "AMQUserID = " + quoted + " OR " + ORIGINAL_MESSAGE_ID + " = " + quoted;
    }

    /** The body as parsed JSON when it is JSON, else as text; null for a body that is not text. */
    static Object body(Message message) {
        String text = text(message.toCore());
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static String text(ICoreMessage message) {
        ActiveMQBuffer buffer = message.getReadOnlyBodyBuffer();
        if (message.getType() == Message.TEXT_TYPE) {
            SimpleString text = TextMessageUtil.readBodyText(buffer);
            return text == null ? null : text.toString();
        }
        if (message.getType() == Message.BYTES_TYPE) {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return null;
    }

    /**
     * The properties an application set, by name: the broker's own ({@code _AMQ_...}), the JMS/AMQP mapping's
     * ({@code JMS...}, {@code NATIVE_MESSAGE_ID}) and trinity's dead-letter headers are shown elsewhere or not at all.
     */
    static Map<String, Object> applicationProperties(Message message) {
        Map<String, Object> properties = new TreeMap<>();
        for (SimpleString key : message.getPropertyNames()) {
            String name = key.toString();
            if (name.startsWith("_") || name.startsWith("JMS") || name.startsWith("trinity_")
                    || name.equals(NATIVE_MESSAGE_ID)) {
                continue;
            }
            Object value = message.getObjectProperty(key);
            properties.put(name, value instanceof SimpleString ? value.toString() : value);
        }
        return properties;
    }

    static String stringProperty(Message message, String name) {
        Object value = message.getObjectProperty(name);
        return value == null ? null : value.toString();
    }
}
