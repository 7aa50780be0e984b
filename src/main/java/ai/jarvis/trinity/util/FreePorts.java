package ai.jarvis.trinity.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;

/**
 * Free TCP ports, taken below Linux's ephemeral range (32768-60999) when possible: a port from that range can be
 * handed to an outgoing connection between this check and the server's bind.
 */
public final class FreePorts {

    private static final int PICK_FROM = 20000;
    private static final int PICK_TO = 32768;
    private static final int PICK_ATTEMPTS = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FreePorts() {
    }

    public static int pick(InetAddress address) {
        for (int attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
            int candidate = PICK_FROM + RANDOM.nextInt(PICK_TO - PICK_FROM);
            if (canBind(address, candidate)) {
                return candidate;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a port on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    public static boolean canBind(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
