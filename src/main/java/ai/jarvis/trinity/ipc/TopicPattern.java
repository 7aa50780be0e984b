package ai.jarvis.trinity.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A subscription to topics of the event bus, with the broker's wildcards: words are separated by dots, {@code *}
 * stands for exactly one word and {@code #} for zero or more ({@code training.#} also matches {@code training}).
 * Topics themselves are words of {@code [a-z0-9_-]}.
 */
public final class TopicPattern {

    private static final Pattern WORD = Pattern.compile("[a-z0-9_-]+");
    private static final String ONE_WORD = "*";
    private static final String ANY_WORDS = "#";

    private final String text;
    private final String[] words;

    private TopicPattern(String text) {
        this.text = text;
        this.words = text.split("\\.", -1);
    }

    /** A topic to publish on: plain words, no wildcards. Throws IllegalArgumentException saying what is wrong. */
    public static String requireTopic(String topic) {
        checkWords(topic, false);
        return topic;
    }

    public static TopicPattern parse(String text) {
        checkWords(text, true);
        return new TopicPattern(text);
    }

    /** Comma-separated patterns such as {@code training.#,model.#}. */
    public static List<TopicPattern> parseList(String commaSeparated) {
        List<TopicPattern> patterns = new ArrayList<>();
        for (String text : commaSeparated.split(",", -1)) {
            patterns.add(parse(text.trim()));
        }
        return patterns;
    }

    private static void checkWords(String text, boolean wildcards) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty topic" + (wildcards ? " pattern" : ""));
        }
        for (String word : text.split("\\.", -1)) {
            boolean wildcard = word.equals(ONE_WORD) || word.equals(ANY_WORDS);
            if (wildcard && !wildcards) {
                throw new IllegalArgumentException("'" + text + "': a topic to publish on has no wildcards (* or #)");
            }
            if (!wildcard && !WORD.matcher(word).matches()) {
                throw new IllegalArgumentException("'" + text + "': " + (word.isEmpty() ? "an empty word"
                        : "the word '" + word + "'") + "; a topic is words of [a-z0-9_-] separated by dots"
                        + (wildcards ? ", a pattern may use * (one word) and # (any words; %23 in a URL)" : ""));
            }
        }
    }

    public static boolean matchesAny(List<TopicPattern> patterns, String topic) {
        for (TopicPattern pattern : patterns) {
            if (pattern.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    public boolean matches(String topic) {
        String[] topicWords = topic.isEmpty() ? new String[0] : topic.split("\\.", -1);
        // matched[j]: the pattern's words from i on match the topic's words from j on (i counting down).
        boolean[] matched = new boolean[topicWords.length + 1];
        matched[topicWords.length] = true;
        for (int i = words.length - 1; i >= 0; i--) {
            boolean[] next = new boolean[topicWords.length + 1];
            for (int j = topicWords.length; j >= 0; j--) {
                if (words[i].equals(ANY_WORDS)) {
                    next[j] = matched[j] || (j < topicWords.length && next[j + 1]);
                } else {
                    next[j] = j < topicWords.length && matched[j + 1]
                            && (words[i].equals(ONE_WORD) || words[i].equals(topicWords[j]));
                }
            }
            matched = next;
        }
        return matched[0];
    }

    @Override
    public String toString() {
        return text;
    }
}
