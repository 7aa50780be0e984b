package ai.jarvis.trinity.training.trainer;

import java.io.IOException;

/** A model file that is not a {@value RetrievalModel#FORMAT} model, or a damaged one. */
public final class ModelFormatException extends IOException {

    public ModelFormatException(String message) {
        super(message);
    }
}
