package ai.jarvis.trinity.training.trainer;

import ai.jarvis.trinity.training.Experience;
import ai.jarvis.trinity.training.ExperienceReader;
import ai.jarvis.trinity.training.InvalidDatasetException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Trains a {@link RetrievalModel} on a dataset file in two streaming passes: {@link DatasetSurvey} first, then the
 * training experiences in file order, in {@code epochs} equal portions. After each portion the model built so far
 * is scored and one progress object goes to {@code progress}:
 * {@code {"epoch": 2, "epochs": 3, "progress": 0.6667, "loss": 0.25, "accuracy": 0.75, ...}}.
 *
 * <p>loss = 1 - accuracy, accuracy = the fraction of the scored experiences (see {@link DatasetSurvey}) the model
 * answers with exactly their output; both null when there is nothing to score (no positive reward).
 *
 * <p>A trainer object trains once.
 */
public final class RetrievalTrainer {

    public static final String MODEL_FILE = "model.json";

    /** What a finished training gives: the model file (relative to the output folder) and its metrics. */
    public record Result(String modelFile, ObjectNode metrics) {
    }

    private final Path dataset;
    private final Path outputDir;
    private final int epochs;
    private final Consumer<ObjectNode> progress;
    private final RetrievalModel model = new RetrievalModel();
    private DatasetSurvey survey;
    private int epoch;
    private long trained;
    private double rewardSum;
    private Double accuracy;

    public RetrievalTrainer(Path dataset, Path outputDir, int epochs, Consumer<ObjectNode> progress) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, not " + epochs);
        }
        this.dataset = dataset;
        this.outputDir = outputDir;
        this.epochs = epochs;
        this.progress = progress;
    }

    /**
     * Trains and writes {@value #MODEL_FILE} into the output folder. A bad dataset is an
     * {@link InvalidDatasetException}; a folder or file that cannot be written an {@link IOException}.
     */
    public Result train() throws IOException {
        long started = System.nanoTime();
        survey = DatasetSurvey.of(dataset);
        Files.createDirectories(outputDir);
        try (ExperienceReader reader = ExperienceReader.open(dataset)) {
            finishDueEpochs();
            while (reader.hasNext()) {
                Experience experience = reader.next();
                if (!survey.isHeldOut(experience)) {
                    model.add(experience.input(), experience.output(), experience.reward());
                    trained++;
                    rewardSum += experience.reward();
                    finishDueEpochs();
                }
            }
        }
        if (trained != survey.trainSize() || epoch != epochs) {
            throw new InvalidDatasetException(dataset + ": the file changed during the training");
        }
        ObjectNode metrics = metrics((System.nanoTime() - started) / 1e9);
        model.save(outputDir.resolve(MODEL_FILE), metrics);
        return new Result(MODEL_FILE, metrics);
    }

    /** Portion k (1-based) ends after ceil(k * trainSize / epochs) training experiences; some may be empty. */
    private void finishDueEpochs() {
        long trainSize = survey.trainSize();
        while (epoch < epochs && trained >= ((epoch + 1) * trainSize + epochs - 1) / epochs) {
            epoch++;
            accuracy = survey.evaluation().accuracy(model);
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("epoch", epoch);
            line.put("epochs", epochs);
            line.put("progress", round((double) epoch / epochs));
            line.put("loss", loss());
            line.put("accuracy", rounded(accuracy));
            line.put("evaluated_on", evaluatedOn());
            line.put("trained", trained);
            line.put("entries", model.size());
            line.put("vocabulary", model.vocabularySize());
            progress.accept(line);
        }
    }

    private ObjectNode metrics(double seconds) {
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("heldout_accuracy", survey.scoresHeldOut() ? rounded(accuracy) : null);
        metrics.put("heldout_size", survey.heldOutSize());
        metrics.put("train_size", survey.trainSize());
        metrics.put("entries", model.size());
        metrics.put("vocabulary", model.vocabularySize());
        metrics.put("mean_reward", trained == 0 ? null : round(rewardSum / trained));
        metrics.put("epochs", epochs);
        metrics.put("loss", loss());
        metrics.put("accuracy", rounded(accuracy));
        metrics.put("evaluated_on", evaluatedOn());
        metrics.put("scored", survey.evaluation().size());
        metrics.put("training_seconds", round(seconds));
        return metrics;
    }

    private Double loss() {
        return accuracy == null ? null : round(1 - accuracy);
    }

    private String evaluatedOn() {
        return survey.scoresHeldOut() ? "heldout" : "train";
    }

    private static Double rounded(Double value) {
        return value == null ? null : round(value);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
