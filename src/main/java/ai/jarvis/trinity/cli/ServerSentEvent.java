package ai.jarvis.trinity.cli;

/** One event of a Server-Sent Events stream: its {@code id:}, {@code event:} and {@code data:} lines. */
record ServerSentEvent(String id, String event, String data) {

    /** Reads a stream line by line; {@link #accept} answers an event when a blank line ends one. */
    static final class Parser {
        private String id;
        private String event;
        private final StringBuilder data = new StringBuilder();
        private boolean hasData;

        ServerSentEvent accept(String line) {
            if (line.isEmpty()) {
                ServerSentEvent complete = hasData ? new ServerSentEvent(id, event, data.toString()) : null;
                event = null;
                data.setLength(0);
                hasData = false;
                return complete;
            }
            if (line.startsWith(":")) {
                return null;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> {
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                }
                default -> { }
            }
            return null;
        }
    }
}
