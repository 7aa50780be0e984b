package ai.jarvis.trinity.training.trainer;

import java.util.List;

/** The experiences a model is scored on: a prompt and the answer it should give. */
final class Evaluation {

    record Target(String prompt, String expected) {
    }

    private final List<Target> targets;

    Evaluation(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    int size() {
        return targets.size();
    }

    /** The fraction of targets the model answers with exactly the expected text; null when there is none. */
    Double accuracy(RetrievalModel model) {
        if (targets.isEmpty()) {
            return null;
        }
        // targets are independent and answer() is safe from many threads: use every core
        long correct = targets.parallelStream()
                .filter(target -> target.expected().equals(model.answer(target.prompt()).answer()))
                .count();
        return (double) correct / targets.size();
    }
}
