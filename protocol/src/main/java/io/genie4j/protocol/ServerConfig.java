package io.genie4j.protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How an {@link EnvServer} binds and what it allows (PROTOCOL.md §6–8).
 *
 * @param bind the ZeroMQ endpoint to bind, e.g. {@code tcp://127.0.0.1:5555} ({@code :*} picks a
 *     free port)
 * @param maxMessageBytes the largest request, header and buffers together
 * @param maxSessions sessions on the server
 * @param maxSessionsPerClient sessions per connection
 * @param maxEnvsPerSession envs in one session
 * @param idleTimeoutMs a session with no request for this long is closed
 * @param curve CURVE security, or {@code null} for none (then bind only to loopback)
 * @param sharedMemory whether sessions may carry observations in shared memory when a client on the
 *     same machine asks (PROTOCOL.md §2.1)
 * @param allowedDirs directories whose files clients may name in env options that are paths (the
 *     {@code model} and {@code prompt} of {@code Genie-v0}); empty: clients may name no files
 * @param maxPendingReplies replies the server holds for one client that is not reading them; beyond
 *     it, the client's requests are refused with {@link ErrorCode#UNAVAILABLE} (PROTOCOL.md §7)
 */
public record ServerConfig(
        String bind,
        long maxMessageBytes,
        int maxSessions,
        int maxSessionsPerClient,
        int maxEnvsPerSession,
        long idleTimeoutMs,
        Curve curve,
        boolean sharedMemory,
        List<Path> allowedDirs,
        int maxPendingReplies) {

    /** The default endpoint: loopback only. */
    public static final String DEFAULT_BIND = "tcp://127.0.0.1:5555";

    /** Validates the limits. */
    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException(
                    "message size limit must be >= 1024 bytes, got " + maxMessageBytes);
        }
        positive("maxSessions", maxSessions);
        positive("maxSessionsPerClient", maxSessionsPerClient);
        positive("maxEnvsPerSession", maxEnvsPerSession);
        positive("idleTimeoutMs", idleTimeoutMs);
        positive("maxPendingReplies", maxPendingReplies);
        allowedDirs = List.copyOf(allowedDirs);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** The defaults of PROTOCOL.md §7 on {@code bind}: no file may be named by clients. */
    public static ServerConfig defaults(String bind) {
        return new ServerConfig(
                bind, 64L << 20, 256, 64, 1024, 300_000, null, true, List.of(), 1024);
    }

    /** This config with another idle timeout. */
    public ServerConfig withIdleTimeoutMs(long ms) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                ms,
                curve,
                sharedMemory,
                allowedDirs,
                maxPendingReplies);
    }

    /** This config with other session limits. */
    public ServerConfig withSessionLimits(int total, int perClient, int envsPerSession) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                total,
                perClient,
                envsPerSession,
                idleTimeoutMs,
                curve,
                sharedMemory,
                allowedDirs,
                maxPendingReplies);
    }

    /** This config with another message size limit. */
    public ServerConfig withMaxMessageBytes(long bytes) {
        return new ServerConfig(
                bind,
                bytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                idleTimeoutMs,
                curve,
                sharedMemory,
                allowedDirs,
                maxPendingReplies);
    }

    /** This config with CURVE security. */
    public ServerConfig withCurve(Curve newCurve) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                idleTimeoutMs,
                newCurve,
                sharedMemory,
                allowedDirs,
                maxPendingReplies);
    }

    /** This config with shared memory allowed or not. */
    public ServerConfig withSharedMemory(boolean allowed) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                idleTimeoutMs,
                curve,
                allowed,
                allowedDirs,
                maxPendingReplies);
    }

    /** This config with the directories whose files clients may name in path options. */
    public ServerConfig withAllowedDirs(List<Path> dirs) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                idleTimeoutMs,
                curve,
                sharedMemory,
                dirs,
                maxPendingReplies);
    }

    /** This config with another limit of replies held for a client that does not read them. */
    public ServerConfig withMaxPendingReplies(int replies) {
        return new ServerConfig(
                bind,
                maxMessageBytes,
                maxSessions,
                maxSessionsPerClient,
                maxEnvsPerSession,
                idleTimeoutMs,
                curve,
                sharedMemory,
                allowedDirs,
                replies);
    }

    /**
     * CURVE keys: the server's key pair and the public keys of the clients it serves, all Z85 (40
     * characters).
     *
     * @param serverPublicKey the server's public key
     * @param serverSecretKey the server's secret key
     * @param allowedClientKeys the public keys of allowed clients
     */
    public record Curve(
            String serverPublicKey, String serverSecretKey, Set<String> allowedClientKeys) {
        /** Validates the key lengths. */
        public Curve {
            for (String k : Set.of(serverPublicKey, serverSecretKey)) {
                if (k.length() != 40) {
                    throw new IllegalArgumentException(
                            "a Z85 CURVE key has 40 characters, got " + k.length());
                }
            }
            for (String k : allowedClientKeys) {
                if (k.length() != 40) {
                    throw new IllegalArgumentException(
                            "allowed client key '" + k + "' is not a 40-character Z85 key");
                }
            }
            allowedClientKeys = Set.copyOf(allowedClientKeys);
        }
    }
}
