package ai.jarvis.trinity.training.trainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Words as the retrieval model sees them: lower-cased runs of letters and digits; everything else separates. */
final class Tokenizer {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Tokenizer() {
    }

    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int length = text.length();
        int i = 0;
        while (i < length) {
            int codePoint = text.codePointAt(i);
            if (!Character.isLetterOrDigit(codePoint)) {
                i += Character.charCount(codePoint);
                continue;
            }
            int start = i;
            boolean alreadyLowerCase = true;
            while (i < length) {
                codePoint = text.codePointAt(i);
                if (!Character.isLetterOrDigit(codePoint)) {
                    break;
                }
                alreadyLowerCase &= Character.toLowerCase(codePoint) == codePoint;
                i += Character.charCount(codePoint);
            }
            tokens.add(alreadyLowerCase ? text.substring(start, i) : lowerCase(text, start, i));
        }
        return tokens;
    }

    /** Code point by code point, so the result does not depend on a language's rules (as String.toLowerCase's do). */
    private static String lowerCase(String text, int start, int end) {
        StringBuilder lower = new StringBuilder(end - start);
        for (int i = start; i < end; ) {
            int codePoint = text.codePointAt(i);
            lower.appendCodePoint(Character.toLowerCase(codePoint));
            i += Character.charCount(codePoint);
        }
        return lower.toString();
    }

    /** The text reduced to its tokens, one space apart: "What is X?" and "what is x" are the same input. */
    static String normalize(String text) {
        return String.join(" ", tokens(text));
    }

    /** 64-bit FNV-1a of the UTF-8 bytes: stable across runs, machines and languages. */
    static long hash(String text) {
        long hash = FNV_OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
