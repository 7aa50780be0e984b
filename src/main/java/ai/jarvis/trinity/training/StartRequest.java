package ai.jarvis.trinity.training;

import ai.jarvis.trinity.api.ApiException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The body of {@code POST /api/training/start}, read as a stream: inline experiences go one by one into the dataset
 * file being written, so the body is never held as a tree. Anything malformed is a 400 that says what is wrong;
 * closing the request without committing its dataset leaves no file behind.
 */
final class StartRequest implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainingCoordinator.Options options = new TrainingCoordinator.Options();
    private ExperienceWriter inlineDataset;
    private String datasetPath;

    private StartRequest() {
    }

    /** Reads the body; inline experiences are written to {@code inlineTarget} (not yet committed). */
    static StartRequest read(InputStream body, Path inlineTarget) throws IOException {
        StartRequest request = new StartRequest();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            request.parse(parser, inlineTarget);
            return request;
        } catch (JsonProcessingException e) {
            request.close();
            throw ApiException.badRequest("malformed JSON", e.getOriginalMessage());
        } catch (InvalidDatasetException e) {
            request.close();
            throw ApiException.badRequest("invalid experiences", e.getMessage());
        } catch (RuntimeException | IOException e) {
            request.close();
            throw e;
        }
    }

    private void parse(JsonParser parser, Path inlineTarget) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw ApiException.badRequest("invalid body",
                    "expected a JSON object: {\"experiences\": [...]} or {\"dataset_path\": \"...\"}");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "experiences":
                    if (inlineDataset != null) {
                        throw ApiException.badRequest("invalid body", "experiences given twice");
                    }
                    inlineDataset = ExperienceWriter.create(inlineTarget);
                    writeExperiences(parser);
                    break;
                case "dataset_path":
                    datasetPath = text(parser, value, field);
                    break;
                case "model_type":
                    options.modelType = text(parser, value, field);
                    break;
                case "epochs":
                    if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
                        throw ApiException.badRequest("invalid epochs",
                                "epochs must be a whole number from 1 to " + TrainingCoordinator.Options.MAX_EPOCHS);
                    }
                    options.epochs = parser.getIntValue();
                    break;
                case "config":
                    if (value != JsonToken.START_OBJECT) {
                        throw ApiException.badRequest("invalid config", "config must be a JSON object");
                    }
                    options.config = parser.readValueAsTree();
                    break;
                default:
                    throw ApiException.badRequest("unknown field", "'" + field
                            + "' (known: dataset_path, experiences, model_type, epochs, config)");
            }
        }
        if (parser.nextToken() != null) {
            throw ApiException.badRequest("invalid body", "unexpected content after the JSON object");
        }
        if ((inlineDataset == null) == (datasetPath == null)) {
            throw ApiException.badRequest("invalid body", "give either experiences or dataset_path");
        }
        options.check();
    }

    private void writeExperiences(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("invalid experiences", "experiences must be a JSON array of objects");
        }
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            index++;
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("invalid experiences", "experience " + index + " is not a JSON object");
            }
            ObjectNode node = parser.readValueAsTree();
            inlineDataset.write(Experience.from(node, "experience " + index));
        }
        if (inlineDataset.count() == 0) {
            throw ApiException.badRequest("empty experience list", "experiences must hold at least one experience");
        }
    }

    private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest("invalid " + field, field + " must be a string");
        }
        return parser.getText();
    }

    /** The inline experiences being written, or null when the request names a dataset_path. */
    ExperienceWriter inlineDataset() {
        return inlineDataset;
    }

    String datasetPath() {
        return datasetPath;
    }

    TrainingCoordinator.Options options() {
        return options;
    }

    /** Deletes the inline dataset unless it was committed. */
    @Override
    public void close() {
        if (inlineDataset != null) {
            inlineDataset.close();
        }
    }
}
