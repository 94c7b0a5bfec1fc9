package io.genie4j.cli;

import io.genie4j.protocol.CurveKeys;
import io.genie4j.protocol.EnvServer;
import io.genie4j.protocol.ServerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j serve}: hosts every registered environment over ZeroMQ (protocol/PROTOCOL.md). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve every registered environment over ZeroMQ (see protocol/PROTOCOL.md).",
            "Binds to loopback by default; binding elsewhere requires CURVE keys (genie4j keygen)."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--bind",
            defaultValue = ServerConfig.DEFAULT_BIND,
            description = "ZeroMQ endpoint to bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--idle-timeout",
            defaultValue = "300",
            description = "Seconds before an idle session is closed (default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(
            names = "--max-sessions",
            defaultValue = "256",
            description = "Sessions on the server (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(
            names = "--max-sessions-per-client",
            defaultValue = "64",
            description =
                    "Sessions one client may hold: with CURVE all connections of one key, else"
                            + " one connection (default: ${DEFAULT-VALUE}).")
    int maxSessionsPerClient;

    @Option(
            names = "--max-envs-per-session",
            defaultValue = "1024",
            description = "Envs in one session (default: ${DEFAULT-VALUE}).")
    int maxEnvsPerSession;

    @Option(
            names = "--max-message-mb",
            defaultValue = "64",
            description = "Largest request in MiB (default: ${DEFAULT-VALUE}).")
    int maxMessageMb;

    @Option(
            names = "--curve-secret",
            paramLabel = "FILE",
            description = "The server's .secret key file: enables CURVE.")
    Path curveSecret;

    @Option(
            names = "--allow",
            paramLabel = "FILE",
            description =
                    "Public keys of the clients to serve, one per line (with --curve-secret).")
    Path allow;

    @Option(
            names = "--allow-dir",
            paramLabel = "DIR",
            description =
                    "A directory whose files clients may name in env options that are paths (the"
                            + " model and prompt of Genie-v0); repeatable. Without it, clients may"
                            + " name no files: they send prompt images as bytes.")
    List<Path> allowDirs = new ArrayList<>();

    @Option(
            names = "--max-pending-replies",
            defaultValue = "1024",
            description =
                    "Replies held for one client that is not reading them; beyond it that"
                            + " client's requests are refused as busy (UNAVAILABLE) (default:"
                            + " ${DEFAULT-VALUE}).")
    int maxPendingReplies;

    @Option(
            names = "--no-shared-memory",
            description =
                    "Send observations through the socket only. By default clients on this"
                            + " machine may ask for them in shared memory (§2.1 of the protocol).")
    boolean noSharedMemory;

    @Override
    public Integer call() throws Exception {
        checkEndpoint(bind);
        Checks.atLeast("--idle-timeout", idleTimeoutSeconds, 1);
        Checks.atLeast("--max-sessions", maxSessions, 1);
        Checks.atLeast("--max-sessions-per-client", maxSessionsPerClient, 1);
        Checks.atLeast("--max-envs-per-session", maxEnvsPerSession, 1);
        Checks.atLeast("--max-message-mb", maxMessageMb, 1);
        Checks.atLeast("--max-pending-replies", maxPendingReplies, 1);
        for (Path d : allowDirs) {
            if (!java.nio.file.Files.isDirectory(d)) {
                throw new IllegalArgumentException(
                        "--allow-dir " + d + " is not a directory: give an existing directory");
            }
        }
        ServerConfig config =
                ServerConfig.defaults(bind)
                        .withIdleTimeoutMs(idleTimeoutSeconds * 1000)
                        .withSessionLimits(maxSessions, maxSessionsPerClient, maxEnvsPerSession)
                        .withMaxMessageBytes((long) maxMessageMb << 20)
                        .withSharedMemory(!noSharedMemory)
                        .withAllowedDirs(allowDirs)
                        .withMaxPendingReplies(maxPendingReplies);
        if ((curveSecret == null) != (allow == null)) {
            throw new IllegalArgumentException("--curve-secret and --allow go together");
        }
        if (curveSecret != null) {
            for (Path f : new Path[] {curveSecret, allow}) {
                if (!java.nio.file.Files.isRegularFile(f)) {
                    throw new IllegalArgumentException(
                            (f == curveSecret ? "--curve-secret " : "--allow ")
                                    + f
                                    + " is not a file: make keys with genie4j keygen");
                }
            }
            CurveKeys keys = CurveKeys.readSecret(curveSecret);
            config =
                    config.withCurve(
                            new ServerConfig.Curve(
                                    keys.publicKey(),
                                    keys.secretKey(),
                                    CurveKeys.readPublicKeys(allow)));
        } else if (!isLoopback(bind)) {
            throw new IllegalArgumentException(
                    "refusing to serve "
                            + bind
                            + " without CURVE: anyone who can reach it could drive the server. Use"
                            + " --curve-secret and --allow (genie4j keygen), or bind 127.0.0.1");
        }
        EnvServer server;
        try {
            server = EnvServer.start(config);
        } catch (IllegalStateException e) {
            // EnvServer names the endpoint and says in words why it could not be bound.
            throw new IllegalArgumentException(e.getMessage() + bindAdvice(bind, e.getMessage()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "env-server-shutdown"));
        System.err.println(
                "genie4j: serving "
                        + String.join(", ", io.genie4j.env.registry.Envs.ids())
                        + " on "
                        + server.endpoint()
                        + (curveSecret != null ? " (CURVE)" : "")
                        + (allowDirs.isEmpty()
                                ? "; clients may name no files"
                                : "; clients may name files in " + allowDirs)
                        + "; Ctrl-C stops");
        server.awaitTermination();
        return 0;
    }

    /** tcp://HOST:PORT with a host name, an IPv4 address, [IPv6] or *, and a port or *. */
    private static final Pattern TCP =
            Pattern.compile(
                    "tcp://(\\*|[A-Za-z0-9][A-Za-z0-9._-]*|\\[[0-9A-Fa-f:.]+]):(\\*|\\d{1,5})");

    /**
     * Checks that {@code endpoint} has the form of a ZeroMQ endpoint a server can bind: {@code
     * tcp://HOST:PORT}, {@code ipc://PATH} or {@code inproc://NAME}.
     *
     * @throws IllegalArgumentException naming the endpoint and showing valid ones
     */
    static void checkEndpoint(String endpoint) {
        Matcher m = TCP.matcher(endpoint);
        boolean valid =
                m.matches() && (m.group(2).equals("*") || Integer.parseInt(m.group(2)) <= 65535)
                        || endpoint.startsWith("ipc://") && endpoint.length() > "ipc://".length()
                        || endpoint.startsWith("inproc://")
                                && endpoint.length() > "inproc://".length();
        if (valid) {
            return;
        }
        String hint = "";
        if (!endpoint.contains("://") && TCP.matcher("tcp://" + endpoint).matches()) {
            hint = " (did you mean tcp://" + endpoint + "?)";
        }
        throw new IllegalArgumentException(
                "--bind "
                        + endpoint
                        + " is not a valid endpoint"
                        + hint
                        + ": use tcp://HOST:PORT (e.g. "
                        + ServerConfig.DEFAULT_BIND
                        + "; PORT 1-65535, or * for any free port), ipc://PATH or inproc://NAME");
    }

    /** What to do when {@code endpoint} could not be bound for the reason {@code failure}. */
    static String bindAdvice(String endpoint, String failure) {
        if (failure != null && failure.contains("already in use")) {
            Matcher m = TCP.matcher(endpoint);
            String other =
                    m.matches() && !m.group(2).equals("*")
                            ? "tcp://"
                                    + m.group(1)
                                    + ":"
                                    + (Integer.parseInt(m.group(2)) % 65535 + 1)
                                    + ", or tcp://"
                                    + m.group(1)
                                    + ":* for any free port"
                            : "another endpoint";
            return " (another program, perhaps another genie4j serve, has it). Stop that program,"
                    + " or serve on another port: --bind "
                    + other;
        }
        if (failure != null && failure.contains("not one of this machine's")) {
            Matcher m = TCP.matcher(endpoint);
            return ". Bind an address of this machine: --bind tcp://*:"
                    + (m.matches() ? m.group(2) : "PORT")
                    + " for all of its interfaces (needs CURVE), or tcp://127.0.0.1:"
                    + (m.matches() ? m.group(2) : "PORT")
                    + " for this machine only";
        }
        return ". Check --bind " + endpoint;
    }

    static boolean isLoopback(String endpoint) {
        if (endpoint.startsWith("ipc://") || endpoint.startsWith("inproc://")) {
            return true;
        }
        if (!endpoint.startsWith("tcp://")) {
            return false;
        }
        String host = endpoint.substring(6, endpoint.lastIndexOf(':'));
        if (host.equals("*")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", ""))
                    .isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
