package ai.jarvis.trinity.training.trainer;

import ai.jarvis.trinity.training.Experience;
import ai.jarvis.trinity.training.ExperienceReader;
import ai.jarvis.trinity.training.InvalidDatasetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first pass over a dataset, before any training: it checks every experience, counts them, decides the held-out
 * split and picks the experiences the model will be scored on. Only those (at most {@value #MAX_SCORED}) and one
 * number per distinct question stay in memory.
 *
 * <p>An experience is held out when the dataset has at least {@value #MINIMUM_FOR_HELD_OUT} experiences and the
 * FNV-1a hash of its id (of its normalized input when it has none) is 0 modulo 10: a split that is the same on
 * every run and does not depend on the order of the file.
 *
 * <p>A scored experience (a target) is one whose answer the model should give: its reward is positive and no
 * experience of the dataset with the same question has a higher one. Low-rewarded answers are kept out, since a
 * model that answers better than them is right. Targets are taken from the held-out experiences, or from the
 * training ones when nothing is held out (a small dataset): then the score is a training score, and says so.
 */
final class DatasetSurvey {

    static final int MINIMUM_FOR_HELD_OUT = 10;
    static final int MAX_SCORED = 2_000;

    private record Candidate(String prompt, String expected, double reward, long question, boolean heldOut) {
    }

    private final long size;
    private final long heldOutSize;
    private final Evaluation evaluation;

    private DatasetSurvey(long size, long heldOutSize, Evaluation evaluation) {
        this.size = size;
        this.heldOutSize = heldOutSize;
        this.evaluation = evaluation;
    }

    static DatasetSurvey of(Path dataset) {
        long size = 0;
        long splitHits = 0;
        Map<Long, Double> bestReward = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        int[] candidatesBySide = new int[2];
        try (ExperienceReader reader = ExperienceReader.open(dataset)) {
            while (reader.hasNext()) {
                Experience experience = reader.next();
                size++;
                boolean splitHit = hashSplitHit(experience);
                if (splitHit) {
                    splitHits++;
                }
                long question = Tokenizer.hash(Tokenizer.normalize(experience.input()));
                double best = bestReward.merge(question, experience.reward(), Math::max);
                int side = splitHit ? 1 : 0;
                if (experience.reward() > 0 && experience.reward() >= best && candidatesBySide[side] < MAX_SCORED) {
                    candidatesBySide[side]++;
                    candidates.add(new Candidate(experience.input(), experience.output(), experience.reward(),
                            question, splitHit));
                }
            }
        }
        if (size == 0) {
            throw new InvalidDatasetException(dataset + ": no experiences");
        }
        long heldOutSize = size >= MINIMUM_FOR_HELD_OUT ? splitHits : 0;
        List<Evaluation.Target> targets = candidates.stream()
                .filter(candidate -> heldOutSize == 0 || candidate.heldOut())
                .filter(candidate -> candidate.reward() >= bestReward.get(candidate.question()))
                .limit(MAX_SCORED)
                .map(candidate -> new Evaluation.Target(candidate.prompt(), candidate.expected()))
                .toList();
        return new DatasetSurvey(size, heldOutSize, new Evaluation(targets));
    }

    long size() {
        return size;
    }

    long heldOutSize() {
        return heldOutSize;
    }

    long trainSize() {
        return size - heldOutSize;
    }

    boolean isHeldOut(Experience experience) {
        return heldOutSize > 0 && hashSplitHit(experience);
    }

    /** Whether the scores are on held-out experiences (else on training ones). */
    boolean scoresHeldOut() {
        return heldOutSize > 0;
    }

    Evaluation evaluation() {
        return evaluation;
    }

    private static boolean hashSplitHit(Experience experience) {
        String key = experience.id() != null ? experience.id() : Tokenizer.normalize(experience.input());
        return Long.remainderUnsigned(Tokenizer.hash(key), 10) == 0;
    }
}
