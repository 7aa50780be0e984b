package ai.jarvis.trinity.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.activemq.artemis.core.version.Version;
import org.apache.activemq.artemis.utils.VersionLoader;

/**
 * Remembers (by hash, in the broker folder) the broker.xml text that last passed the schema check, so that an
 * unchanged file is not validated again at every start: the check costs about 0.3 s of start-up time.
 */
final class SchemaCheck {

    private final Path marker;

    SchemaCheck(Path marker) {
        this.marker = marker;
    }

    boolean passedBefore(String brokerXml) {
        try {
            return Files.isRegularFile(marker) && Files.readString(marker).equals(fingerprint(brokerXml));
        } catch (IOException e) {
            return false;
        }
    }

    void remember(String brokerXml) {
        try {
            Files.writeString(marker, fingerprint(brokerXml));
        } catch (IOException e) {
            // Only a cache: the next start validates again.
        }
    }

    /** The file's text and the Artemis version (its schema) together. */
    private static String fingerprint(String brokerXml) {
        try {
            Version artemis = VersionLoader.getVersion();
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(artemis.getFullVersion().getBytes(StandardCharsets.UTF_8));
            sha256.update(brokerXml.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
