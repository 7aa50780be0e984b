package ai.jarvis.trinity.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** The one folder (TRINITY_HOME) under which a trinity installation keeps all its state. */
public final class TrinityHome {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final List<String> DIRECTORY_KEYS = List.of(
            "jarvis.registry-dir", "training.dropbox-dir", "trinity.events-dir", "trinity.broker-dir",
            "trinity.models-dir", "trinity.logs-dir", "training.work-dir");

    private final Path root;

    private TrinityHome(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Creates the home and its critical folders, owner-only, and proves the home can be written. */
    public static TrinityHome prepare(Settings settings) {
        Path root = settings.getPath("trinity.home");
        createPrivateDirectories(root.getRoot(), root, settings.describe("trinity.home"));
        for (String key : DIRECTORY_KEYS) {
            Path dir = settings.getPath(key);
            createPrivateDirectories(dir.startsWith(root) ? root : dir.getRoot(), dir, settings.describe(key));
        }
        try {
            Files.delete(Files.createTempFile(root, ".write-check", ""));
        } catch (IOException e) {
            throw new ConfigurationException("cannot write to " + root + " (" + reason(e) + "): set "
                    + settings.describe("trinity.home") + " to a folder you can write");
        }
        return new TrinityHome(root);
    }

    /** Creates {@code dir} and the missing folders between it and {@code base}, each owner-only. */
    private static void createPrivateDirectories(Path base, Path dir, String setting) {
        try {
            Path current = base;
            for (Path part : base.relativize(dir)) {
                current = current.resolve(part);
                if (!Files.isDirectory(current)) {
                    Files.createDirectory(current);
                    restrictToOwner(current);
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot create folder " + dir + " (" + reason(e) + "): set "
                    + setting + " to a folder you can write");
        }
    }

    private static void restrictToOwner(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
    }

    static String reason(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
