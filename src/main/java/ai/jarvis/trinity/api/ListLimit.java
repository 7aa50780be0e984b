package ai.jarvis.trinity.api;

/** The {@code ?limit=} of a list endpoint: 1 to 1000, 100 when absent; anything else is a 400. */
public final class ListLimit {

    public static final int DEFAULT = 100;
    public static final int MAX = 1000;

    private ListLimit() {
    }

    public static int parse(String limit) {
        if (limit == null) {
            return DEFAULT;
        }
        int count;
        try {
            count = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX) {
            throw ApiException.badRequest("invalid limit", "limit must be a number from 1 to " + MAX);
        }
        return count;
    }
}
