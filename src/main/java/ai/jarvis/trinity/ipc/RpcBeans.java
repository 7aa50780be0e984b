package ai.jarvis.trinity.ipc;

import ai.jarvis.trinity.broker.EmbeddedBroker;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.runtime.Role;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** The RPC beans of a process, by their route names: its server (every role) and, on the hub, the REST side. */
public final class RpcBeans {

    private RpcBeans() {
    }

    /** Call after the other beans are bound: the role's methods use them. */
    public static void bindTo(CamelContext context, Role role, String serviceName, Settings settings,
                              EmbeddedBroker broker) {
        Registry registry = context.getRegistry();
        registry.bind("rpcServer", new RpcServer(serviceName,
                RoleMethods.of(role, serviceName, registry, settings.getPath("trinity.models-dir"))));
        if (broker != null) {
            registry.bind("rpcClient", new RpcClient(broker, settings.getSeconds("trinity.rpc-timeout"),
                    settings.getSeconds("trinity.max-wait")));
        }
    }
}
