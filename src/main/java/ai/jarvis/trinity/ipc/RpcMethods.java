package ai.jarvis.trinity.ipc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The methods one process answers over RPC and query, by name, with the parameters each takes. */
public final class RpcMethods {

    /** One method: its result becomes the reply's {@code result} (null included). */
    @FunctionalInterface
    public interface Method {
        Object call(RpcParams params) throws Exception;
    }

    /** A method and the names of its parameters (any other name in a request is refused). */
    record Entry(List<String> params, Method method) {
    }

    private final Map<String, Entry> methods = new TreeMap<>();

    public RpcMethods add(String name, List<String> params, Method method) {
        methods.put(name, new Entry(List.copyOf(params), method));
        return this;
    }

    Optional<Entry> find(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    public Set<String> names() {
        return methods.keySet();
    }
}
