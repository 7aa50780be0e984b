package ai.jarvis.trinity.training;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the experiences of a dataset, one object at a time, so a file of any size is read in bounded memory.
 * Accepts JSON lines ({@code *.jsonl}: objects one after another, blank lines allowed) and a JSON array of objects
 * ({@code *.json}); the format is told from the content, not the file name. A bad object or bad JSON ends the
 * iteration with an {@link InvalidDatasetException} saying where: {@code "data.jsonl line 12: experience 7: 'reward'
 * must be a number"}.
 */
public final class ExperienceReader implements Iterator<Experience>, Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonParser parser;
    private final String sourceName;
    private boolean started;
    private boolean insideArray;
    private boolean finished;
    private Experience pending;
    private long count;
    private long line;

    private ExperienceReader(JsonParser parser, String sourceName) {
        this.parser = parser;
        this.sourceName = sourceName;
    }

    public static ExperienceReader open(Path file) {
        try {
            return of(Files.newInputStream(file), file.toString());
        } catch (IOException e) {
            throw new InvalidDatasetException(file + ": " + describe(e));
        }
    }

    public static ExperienceReader of(InputStream in, String sourceName) {
        try {
            return new ExperienceReader(JSON.createParser(in), sourceName);
        } catch (IOException e) {
            throw new InvalidDatasetException(sourceName + ": " + describe(e));
        }
    }

    /**
     * Reads the whole file and returns how many experiences it holds. A file with none is invalid too, and so is a
     * file that cannot be read: the message names it.
     */
    public static long validate(Path file) {
        try (ExperienceReader reader = open(file)) {
            while (reader.hasNext()) {
                reader.next();
            }
            if (reader.count() == 0) {
                throw new InvalidDatasetException(file + ": no experiences");
            }
            return reader.count();
        }
    }

    public String sourceName() {
        return sourceName;
    }

    /** How many experiences {@link #next()} has returned so far. */
    public long count() {
        return count;
    }

    /** The line on which the last experience read starts (1-based; 0 before the first). */
    public long line() {
        return line;
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !finished) {
            pending = readNext();
            finished = pending == null;
        }
        return pending != null;
    }

    @Override
    public Experience next() {
        if (!hasNext()) {
            throw new NoSuchElementException(sourceName + ": no more experiences");
        }
        Experience next = pending;
        pending = null;
        count++;
        return next;
    }

    @Override
    public void close() {
        finished = true;
        try {
            parser.close();
        } catch (IOException ignored) {
            // closing a stream that was only read loses nothing
        }
    }

    private Experience readNext() {
        JsonToken token = nextToken();
        if (!started) {
            started = true;
            if (token == JsonToken.START_ARRAY) {
                insideArray = true;
                token = nextToken();
            }
        }
        if (insideArray && token == JsonToken.END_ARRAY) {
            if (nextToken() != null) {
                line = parser.currentTokenLocation().getLineNr();
                throw invalid("unexpected content after the top-level array");
            }
            return null;
        }
        if (token == null) {
            return null;
        }
        line = parser.currentTokenLocation().getLineNr();
        if (token != JsonToken.START_OBJECT) {
            throw invalid("expected JSON objects, found " + describe(token));
        }
        try {
            return Experience.from((ObjectNode) JSON.readTree(parser), where());
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new InvalidDatasetException(sourceName + ": " + describe(e));
        }
    }

    private JsonToken nextToken() {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new InvalidDatasetException(sourceName + ": " + describe(e));
        }
    }

    private String where() {
        return sourceName + " line " + line + ": experience " + (count + 1);
    }

    private InvalidDatasetException invalid(String problem) {
        return new InvalidDatasetException(where() + ": " + problem);
    }

    private InvalidDatasetException notJson(JsonProcessingException e) {
        if (e.getLocation() != null) {
            line = e.getLocation().getLineNr();
        }
        return invalid("not JSON: " + shortMessage(e));
    }

    /** Jackson's message without the location it appends (the line is already named) and on one line. */
    private static String shortMessage(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return message.replaceAll("\\s*\\((start marker at|through reference chain)[^)]*\\)+", "")
                .replaceAll("\\s*\\R\\s*", " ")
                .strip();
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
