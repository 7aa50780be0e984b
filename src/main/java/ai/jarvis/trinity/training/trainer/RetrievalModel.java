package ai.jarvis.trinity.training.trainer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code retrieval} model: a memory of questions and their best-rewarded answers. It answers a prompt with the
 * stored answer whose question is the most similar to it (cosine of TF-IDF vectors, found through an inverted index;
 * the same question, up to case and punctuation, always wins).
 *
 * <p>{@link #add} is for a single thread (the trainer). Once adding is over (and always after {@link #load}),
 * {@link #answer} may be called from many threads.
 */
public final class RetrievalModel {

    public static final String FORMAT = "trinity-retrieval/1";
    public static final String MODEL_TYPE = "retrieval";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Answer NO_ANSWER = new Answer(null, 0, null);

    /** {@code answer} is null when the model is empty or no stored question shares a word with the prompt. */
    public record Answer(String answer, double similarity, String matchedInput) {
    }

    /** A stored question with the best answer seen for it. */
    public record Entry(String input, String output, double reward) {
    }

    private final List<Entry> entries = new ArrayList<>();
    /** Hash of the normalized input to its entry: the exact-match path, without a second copy of every input. */
    private final Map<Long, Integer> entryByInput = new HashMap<>();
    private final Map<String, Integer> termIds = new HashMap<>();
    private final List<String> terms = new ArrayList<>();
    private final List<Postings> postings = new ArrayList<>();
    private JsonNode metrics = JSON.createObjectNode();

    // Derived from the above by reindex() once entries change: IDF per term id and vector length per entry.
    private volatile boolean stale;
    private double[] idf = new double[0];
    private double[] norms = new double[0];

    /**
     * Learns one experience. A question already stored (same words) keeps the answer with the higher reward; on a
     * tie the later answer wins. A question without a single letter or digit could never be matched and is skipped.
     */
    public void add(String input, String output, double reward) {
        List<String> tokens = Tokenizer.tokens(input);
        if (tokens.isEmpty()) {
            return;
        }
        String normalized = String.join(" ", tokens);
        long key = Tokenizer.hash(normalized);
        Integer existing = entryByInput.get(key);
        if (existing != null && isInputOf(existing, normalized)) {
            Entry stored = entries.get(existing);
            if (reward >= stored.reward()) {
                entries.set(existing, new Entry(stored.input(), output, reward));
            }
            return;
        }
        int entry = entries.size();
        entries.add(new Entry(input, output, reward));
        entryByInput.putIfAbsent(key, entry);
        int[] termsOfEntry = new int[tokens.size()];
        for (int i = 0; i < termsOfEntry.length; i++) {
            termsOfEntry[i] = termId(tokens.get(i));
        }
        // sorted, each term's occurrences are one run: its count
        Arrays.sort(termsOfEntry);
        for (int start = 0, end; start < termsOfEntry.length; start = end) {
            end = start + 1;
            while (end < termsOfEntry.length && termsOfEntry[end] == termsOfEntry[start]) {
                end++;
            }
            postings.get(termsOfEntry[start]).add(entry, end - start);
        }
        stale = true;
    }

    public Answer answer(String prompt) {
        if (stale) {
            reindex();
        }
        List<String> tokens = Tokenizer.tokens(prompt);
        if (tokens.isEmpty() || entries.isEmpty()) {
            return NO_ANSWER;
        }
        String normalized = String.join(" ", tokens);
        Integer exact = entryByInput.get(Tokenizer.hash(normalized));
        if (exact != null && isInputOf(exact, normalized)) {
            Entry entry = entries.get(exact);
            return new Answer(entry.output(), 1.0, entry.input());
        }
        return mostSimilar(termCounts(tokens));
    }

    public int size() {
        return entries.size();
    }

    public int vocabularySize() {
        return terms.size();
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The metrics the model was saved with (an empty object for a model not saved yet). */
    public JsonNode metrics() {
        return metrics;
    }

    /** Writes the model file (through a temporary file renamed over {@code file}, so it is never seen half-written). */
    public void save(Path file, JsonNode metrics) throws IOException {
        if (stale) {
            reindex();
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            try (JsonGenerator json = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
                writeModel(json, metrics);
            }
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        this.metrics = metrics;
    }

    /** Reads a model file; one of another format, or damaged, is a {@link ModelFormatException} naming the file. */
    public static RetrievalModel load(Path file) throws IOException {
        try (JsonParser json = JSON.createParser(Files.newInputStream(file))) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelFormatException(file + ": not a " + FORMAT + " model (not a JSON object)");
            }
            RetrievalModel model = new RetrievalModel();
            String format = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "format" -> {
                        format = json.getValueAsString();
                        if (!FORMAT.equals(format)) {
                            throw new ModelFormatException(file + ": not a " + FORMAT + " model (format: "
                                    + json.getText() + ")");
                        }
                    }
                    case "metrics" -> model.metrics = JSON.readTree(json);
                    case "entries" -> model.readEntries(json, file);
                    default -> json.skipChildren();
                }
            }
            if (format == null) {
                throw new ModelFormatException(file + ": not a " + FORMAT + " model (no 'format')");
            }
            model.reindex();
            return model;
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": not JSON: " + e.getOriginalMessage());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + ": no such model file");
        }
    }

    private void readEntries(JsonParser json, Path file) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY) {
            throw new ModelFormatException(file + ": 'entries' must be an array");
        }
        int index = 0;
        while (json.nextToken() != JsonToken.END_ARRAY) {
            index++;
            JsonNode entry = JSON.readTree(json);
            JsonNode input = entry.path("input");
            JsonNode output = entry.path("output");
            JsonNode reward = entry.path("reward");
            if (!input.isTextual() || !output.isTextual() || !reward.isNumber()) {
                throw new ModelFormatException(file + ": entry " + index
                        + " needs 'input' and 'output' strings and a 'reward' number");
            }
            add(input.textValue(), output.textValue(), reward.doubleValue());
        }
    }

    private void writeModel(JsonGenerator json, JsonNode metrics) throws IOException {
        json.writeStartObject();
        json.writeStringField("format", FORMAT);
        json.writeStringField("model_type", MODEL_TYPE);
        json.writeStringField("created_at", Instant.now().toString());
        json.writeFieldName("metrics");
        json.writeTree(metrics);
        json.writeObjectFieldStart("idf");
        for (int term = 0; term < terms.size(); term++) {
            json.writeNumberField(terms.get(term), idf[term]);
        }
        json.writeEndObject();
        json.writeArrayFieldStart("entries");
        for (Entry entry : entries) {
            json.writeStartObject();
            json.writeStringField("input", entry.input());
            json.writeStringField("output", entry.output());
            json.writeNumberField("reward", entry.reward());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Cosine similarity over the entries sharing at least one term with the prompt, read from the postings. */
    private Answer mostSimilar(Map<String, Integer> promptTerms) {
        double[] idfNow = idf;
        double[] normsNow = norms;
        double[] dotProducts = new double[normsNow.length];
        double promptNormSquared = 0;
        for (Map.Entry<String, Integer> term : promptTerms.entrySet()) {
            Integer id = termIds.get(term.getKey());
            // a word no entry has still makes the prompt less similar to all of them
            double termIdf = id == null ? unseenIdf(normsNow.length) : idfNow[id];
            double promptWeight = term.getValue() * termIdf;
            promptNormSquared += promptWeight * promptWeight;
            if (id != null) {
                postings.get(id).addProducts(promptWeight * termIdf, dotProducts);
            }
        }
        int best = -1;
        double bestScore = 0;
        for (int entry = 0; entry < dotProducts.length; entry++) {
            if (dotProducts[entry] > 0) {
                double score = dotProducts[entry] / normsNow[entry];
                if (best < 0 || score > bestScore || score == bestScore && isBetterTie(entry, best)) {
                    best = entry;
                    bestScore = score;
                }
            }
        }
        if (best < 0) {
            return NO_ANSWER;
        }
        Entry entry = entries.get(best);
        return new Answer(entry.output(), Math.min(1.0, bestScore / Math.sqrt(promptNormSquared)), entry.input());
    }

    /** Equally similar: the better-rewarded answer, then the entry stored first. */
    private boolean isBetterTie(int entry, int best) {
        double reward = entries.get(entry).reward();
        double bestReward = entries.get(best).reward();
        return reward > bestReward || reward == bestReward && entry < best;
    }

    private synchronized void reindex() {
        if (!stale) {
            return;
        }
        int entryCount = entries.size();
        double[] newIdf = new double[terms.size()];
        double[] squares = new double[entryCount];
        for (int term = 0; term < newIdf.length; term++) {
            Postings list = postings.get(term);
            newIdf[term] = Math.log((entryCount + 1.0) / (list.size + 1.0)) + 1;
            for (int i = 0; i < list.size; i++) {
                double weight = list.counts[i] * newIdf[term];
                squares[list.entries[i]] += weight * weight;
            }
        }
        double[] newNorms = new double[entryCount];
        for (int entry = 0; entry < entryCount; entry++) {
            newNorms[entry] = Math.sqrt(squares[entry]);
        }
        idf = newIdf;
        norms = newNorms;
        stale = false;
    }

    private static double unseenIdf(int entryCount) {
        return Math.log(entryCount + 1.0) + 1;
    }

    /** Guards the exact-match path against two inputs whose hashes collide. */
    private boolean isInputOf(int entry, String normalized) {
        return Tokenizer.normalize(entries.get(entry).input()).equals(normalized);
    }

    private int termId(String term) {
        Integer id = termIds.get(term);
        if (id == null) {
            id = terms.size();
            termIds.put(term, id);
            terms.add(term);
            postings.add(new Postings());
        }
        return id;
    }

    private static Map<String, Integer> termCounts(List<String> tokens) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String token : tokens) {
            counts.merge(token, 1, Integer::sum);
        }
        return counts;
    }

    /** The entries holding one term, with how often it occurs in each; entry numbers grow. */
    private static final class Postings {
        private int[] entries = new int[2];
        private int[] counts = new int[2];
        private int size;

        void add(int entry, int count) {
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            entries[size] = entry;
            counts[size] = count;
            size++;
        }

        /** Adds {@code weight} times this term's count to the products of the entries holding it. */
        void addProducts(double weight, double[] products) {
            int[] holders = entries;
            int[] termCounts = counts;
            for (int i = 0; i < size; i++) {
                products[holders[i]] += weight * termCounts[i];
            }
        }
    }
}
