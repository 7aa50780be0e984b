package ai.jarvis.trinity.serving;

import ai.jarvis.trinity.training.ModelRecord;
import ai.jarvis.trinity.training.trainer.RetrievalModel;

/** A model J-Prime serves: its record in the hub's model registry and the model read from its file. */
record ServedModel(ModelRecord record, RetrievalModel model) {
}
