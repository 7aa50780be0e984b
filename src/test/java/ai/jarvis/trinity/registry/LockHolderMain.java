package ai.jarvis.trinity.registry;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Takes the registry's lock and keeps it until killed: {@code LockHolderMain <lock file>}. */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    @SuppressWarnings("InfiniteLoopStatement")
    public static void main(String[] args) throws Exception {
        FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.lock();
        System.out.println("locked");
        System.out.flush();
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
