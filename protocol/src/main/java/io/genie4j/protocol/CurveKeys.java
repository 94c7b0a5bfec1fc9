package io.genie4j.protocol;

import io.genie4j.env.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.zeromq.ZMQ;

/**
 * CURVE key files: {@code NAME.pub} holds the Z85 public key on one line; {@code NAME.secret} holds
 * {@code public=...} and {@code secret=...} lines and is readable by its owner only. An allow-list
 * is a text file of public keys, one per line, {@code #} starting a comment.
 *
 * @param publicKey the Z85 public key
 * @param secretKey the Z85 secret key
 */
public record CurveKeys(String publicKey, String secretKey) {

    /** A fresh key pair. */
    public static CurveKeys generate() {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        return new CurveKeys(pair.publicKey, pair.secretKey);
    }

    /**
     * Writes {@code dir/name.pub}, with the permissions of any new file (the umask applies, so
     * others can usually read it: it is meant to be shared), and {@code dir/name.secret}, readable
     * and writable by its owner only (mode 600 where the file system has POSIX permissions) from
     * the moment it exists.
     */
    public void write(Path dir, String name) throws IOException {
        AtomicFiles.writeString(dir.resolve(name + ".pub"), publicKey + "\n");
        AtomicFiles.writePrivateString(
                dir.resolve(name + ".secret"),
                "public=" + publicKey + "\nsecret=" + secretKey + "\n");
    }

    /**
     * Reads a {@code .secret} file.
     *
     * @throws IOException naming the file if a key is missing or not 40 characters
     */
    public static CurveKeys readSecret(Path file) throws IOException {
        String pub = null;
        String sec = null;
        for (String line : Files.readAllLines(file)) {
            String l = line.trim();
            if (l.startsWith("public=")) {
                pub = l.substring(7);
            } else if (l.startsWith("secret=")) {
                sec = l.substring(7);
            }
        }
        if (pub == null || sec == null || pub.length() != 40 || sec.length() != 40) {
            throw new IOException(
                    file
                            + " is not a CURVE secret key file: expected public= and secret= lines"
                            + " with 40-character Z85 keys (make one with genie4j keygen)");
        }
        return new CurveKeys(pub, sec);
    }

    /**
     * Reads public keys, one per line ({@code #} comments and blank lines ignored); a {@code .pub}
     * file is a one-key list.
     *
     * @throws IOException naming the file and line of a malformed key
     */
    public static Set<String> readPublicKeys(Path file) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            // Z85 keys may contain '#': the first word is the key when it has 40 characters.
            String l = lines.get(i).trim();
            String word = l.isEmpty() ? "" : l.split("\\s+")[0];
            if (word.length() == 40) {
                keys.add(word);
            } else if (!l.isEmpty() && !l.startsWith("#")) {
                throw new IOException(
                        file
                                + ":"
                                + (i + 1)
                                + ": '"
                                + word
                                + "' is not a 40-character Z85 public key");
            }
        }
        return keys;
    }
}
