package io.genie4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.genie4j.env.Json;
import io.genie4j.protocol.EnvServer;
import io.genie4j.protocol.ServerConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's edges: each bad input gets a message that names the problem and the fix. */
class CliEdgesTest {
    @TempDir Path tmp;

    /** A command's exit code, what it wrote, and what went to System.err (progress bars). */
    record Result(int exit, String out, String err, String systemErr) {
        /** Everything the user saw on standard error. */
        String allErr() {
            return err + systemErr;
        }
    }

    /**
     * Runs {@code genie4j args} in this JVM like {@link WorldModelCommandsTest#run}, capturing
     * picocli's own output stream (help) and System.err (progress bars, warnings) too.
     */
    static Result run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
        // Swap the streams before picocli starts: its execution strategy remembers System.err as
        // it was when the command line was made, and would replace the writer set below with it.
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
        CommandLine cl = Genie4jCommand.newCommandLine();
        StringWriter help = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(help, true));
        cl.setErr(new PrintWriter(err, true));
        try {
            int exit = cl.execute(args);
            cl.getOut().flush();
            return new Result(
                    exit,
                    help + out.toString(StandardCharsets.UTF_8),
                    err.toString(),
                    systemErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void everyCommandsHelpPrintsCleanly() {
        List<List<String>> paths = new java.util.ArrayList<>();
        collect(Genie4jCommand.newCommandLine(), new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() > 20, "found the commands: " + paths);
        for (List<String> path : paths) {
            List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            Result r = run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), path + ": " + r.allErr());
            assertFalse(r.allErr().contains("WARN"), path + " help warns: " + r.allErr());
            assertTrue(r.out().startsWith("Usage: genie4j"), path + ": " + r.out());
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    /** Asserts a usage error: exit 2, one message containing each of {@code parts}, no trace. */
    private static void assertRefused(Result r, String... parts) {
        assertEquals(2, r.exit(), r.allErr());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "'" + p + "' in: " + r.err());
        }
        assertTrue(r.err().startsWith("genie4j: "), r.err());
        assertFalse(r.allErr().contains("\tat "), "no stack trace: " + r.allErr());
        assertFalse(r.allErr().contains("Exception"), "no exception class: " + r.allErr());
    }

    @Test
    void serveChecksTheEndpointsFormBeforeAskingForCurve() {
        Result r = run("serve", "--bind", "localhost:5555");
        assertRefused(
                r,
                "--bind localhost:5555 is not a valid endpoint",
                "did you mean tcp://localhost:5555?",
                "tcp://HOST:PORT",
                "ipc://PATH",
                "inproc://NAME");
        assertFalse(r.err().contains("CURVE"), r.err());
        assertRefused(run("serve", "--bind", "tcp://127.0.0.1:70000"), "not a valid endpoint");
        assertRefused(run("serve", "--bind", "tcp://127.0.0.1"), "not a valid endpoint");
        assertRefused(run("serve", "--max-sessions", "0"), "--max-sessions must be >= 1, got 0");
        assertTrue(ServeCommand.isLoopback("tcp://[::1]:5555"));
    }

    @Test
    void serveOnAPortInUseNamesTheAddressAndAnotherPort() {
        try (EnvServer taken = EnvServer.start(ServerConfig.defaults("tcp://127.0.0.1:*"))) {
            String endpoint = taken.endpoint();
            int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
            Result r =
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(30), () -> run("serve", "--bind", endpoint));
            assertRefused(
                    r,
                    "cannot bind " + endpoint + ": the address is already in use",
                    "--bind tcp://127.0.0.1:" + (port + 1),
                    "tcp://127.0.0.1:* for any free port");
        }
    }

    @Test
    void serveOnAnAddressOfAnotherMachineSaysSo() throws Exception {
        Path keys = tmp.resolve("keys");
        assertEquals(0, run("keygen", "--out", keys.toString(), "--name", "server").exit());
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        Result r =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(30),
                        () ->
                                run(
                                        "serve",
                                        "--bind",
                                        "tcp://192.0.2.1:5555",
                                        "--curve-secret",
                                        keys.resolve("server.secret").toString(),
                                        "--allow",
                                        keys.resolve("server.pub").toString()));
        assertRefused(
                r,
                "cannot bind tcp://192.0.2.1:5555: the address is not one of this machine's",
                "--bind tcp://*:5555");
        assertRefused(
                run(
                        "serve",
                        "--bind",
                        "tcp://0.0.0.0:5555",
                        "--curve-secret",
                        "nope.secret",
                        "--allow",
                        "x.pub"),
                "--curve-secret nope.secret is not a file: make keys with genie4j keygen");
    }

    @Test
    void outputsThatCannotBeWrittenSayWhyBeforeAnyWork() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc")), "a /proc file system");
        assertRefused(
                run("rollout", "--actions", "1,2", "--out", "/proc/x.gif"),
                "--out /proc/x.gif cannot be written",
                "the file system of /proc refuses new files",
                "Choose a directory you can write to");
        assertRefused(
                run("rollout", "--actions", "1", "--out", tmp.toString()),
                "must end in .gif or .mp4");
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        assertRefused(
                run("rollout", "--actions", "1", "--out", plain.resolve("x.gif").toString()),
                "cannot be written: " + plain + " is a file, not a directory");

        Result proc = run("record", "--episodes", "1", "--out", "/proc/foo");
        assertRefused(proc, "--out /proc/foo cannot be written", "refuses new files");
        assertFalse(proc.systemErr().contains("0%"), "no progress bar: " + proc.systemErr());
        Result file = run("record", "--episodes", "1", "--out", plain.toString());
        assertRefused(
                file,
                "--out " + plain + " is an existing file, not a directory",
                "give the path of a new directory");
        assertFalse(file.systemErr().contains("0%"), "no progress bar: " + file.systemErr());
    }

    @Test
    void recordTypesItsOptionsAgainstTheEnvsAndWritesNothingWhenOneIsBad() throws Exception {
        Path out = tmp.resolve("ds");
        List<Result> bad = new ArrayList<>();
        Result r =
                run(
                        "record",
                        "--episodes",
                        "1",
                        "--out",
                        out.toString(),
                        "--option",
                        "use_backgrounds=abc");
        assertRefused(r, "option use_backgrounds = abc is invalid: expected true or false");
        bad.add(r);
        r = run("record", "--episodes", "1", "--out", out.toString(), "--option", "num_levels=abc");
        assertRefused(r, "--option num_levels cannot be given", "--start-seed and --episodes");
        bad.add(r);
        r = run("record", "--episodes", "1", "--out", out.toString(), "--option", "colour=red");
        assertRefused(r, "unknown option 'colour' for CoinRun-v0; known options:");
        bad.add(r);
        r = run("record", "--episodes", "1", "--out", out.toString(), "--start-seed", "-5");
        assertEquals("genie4j: --start-seed must be >= 0, got -5", r.err().trim());
        bad.add(r);
        r = run("record", "--episodes", "0", "--out", out.toString());
        assertRefused(r, "--episodes must be >= 1, got 0");
        bad.add(r);
        r = run("record", "--episodes", "1", "--threads", "0", "--out", out.toString());
        assertRefused(r, "--threads must be >= 1, got 0");
        bad.add(r);
        // A value of the right type that the env itself rejects: the env is made once first.
        r =
                run(
                        "record",
                        "--env",
                        "Corridor-v0",
                        "--episodes",
                        "1",
                        "--out",
                        out.toString(),
                        "--option",
                        "length=1");
        assertRefused(r, "option length = 1 is invalid: expected 2..64");
        bad.add(r);
        for (Result b : bad) {
            assertFalse(b.systemErr().contains("0%"), "no progress bar: " + b.systemErr());
        }
        assertFalse(Files.exists(out), "a failed record creates nothing");

        Path odd = tmp.resolve("a \"quoted\\ dataset");
        Result ok =
                run(
                        "record",
                        "--env",
                        "Corridor-v0",
                        "--episodes",
                        "2",
                        "--out",
                        odd.toString(),
                        "--option",
                        "length=5",
                        "--threads",
                        "1");
        assertEquals(0, ok.exit(), ok.allErr());
        Map<?, ?> summary =
                WorldModelCommandsTest.json(new WorldModelCommandsTest.Result(0, ok.out(), ""));
        assertEquals(odd.toString(), summary.get("out"), "the path survives JSON escaping");
        assertEquals(2L, summary.get("recorded"));
        Map<String, Object> manifest =
                Json.parseObject(Files.readString(odd.resolve("manifest.json")));
        assertEquals(
                Map.of("length", 5L),
                ((Map<?, ?>) manifest.get("metadata")).get("options"),
                "stored as an integer, not the string \"5\"");
    }

    /** A command with the sampling options alone, to parse them. */
    @CommandLine.Command(name = "sampling")
    static final class SamplingOnly {
        @CommandLine.Mixin SamplingOptions sampling;
    }

    private static boolean softDecode(String... args) {
        SamplingOnly c = new SamplingOnly();
        new CommandLine(c).parseArgs(args);
        return c.sampling.options().softDecode();
    }

    @Test
    void softDecodingIsOnUnlessNoSoftDecodeTurnsItOff() {
        assertTrue(softDecode(), "the default");
        assertTrue(softDecode("--soft-decode"), "--soft-decode, as commands before it was default");
        assertFalse(softDecode("--no-soft-decode"));
    }

    @Test
    void negativeAndZeroValuesAreRefusedByTheirOptionsName() {
        assertRefused(run("bench", "coinrun", "--seconds", "-1"), "--seconds must be > 0, got -1");
        assertRefused(
                run("bench", "protocol", "--batch", "1,0"), "--batch values must be >= 1, got 0");
        assertRefused(
                run("eval", "tokenizer", "--data", tmp.toString(), "--max-frames", "-5"),
                "--max-frames must be >= 0, got -5");
        assertRefused(
                run("eval", "world", "--data", tmp.toString(), "--clips", "0"),
                "--clips must be >= 1, got 0");
        assertRefused(
                run("coinrun", "level", "--seeds", "-1"),
                "--seeds -1 is invalid: level seeds must be >= 0, got -1");
        assertRefused(
                run("coinrun", "eval", "--seeds", "-3..2"), "level seeds must be >= 0, got -3");
        assertRefused(run("demo", "--maskgit-steps", "0"), "--maskgit-steps must be >= 1, got 0");
        assertRefused(run("demo", "--temperature", "-0.5"), "--temperature must be >= 0, got -0.5");
        assertRefused(run("demo", "--steps", "0"), "--steps must be >= 1, got 0");
        assertRefused(run("demo", "--guidance", "-1"), "--guidance must be >= 0, got -1");
        for (String[] bad :
                new String[][] {
                    {"--action-dropout", "1", "--action-dropout must be in [0, 1), got 1"},
                    {"--changed-boost", "-2", "--changed-boost must be in [0, 100], got -2"},
                    {"--visible-frames", "1", "--visible-frames must be in [0, 1), got 1"}
                }) {
            assertRefused(
                    run(
                            "train",
                            "world",
                            "--data",
                            tmp.toString(),
                            "--out",
                            tmp.resolve("w").toString(),
                            bad[0],
                            bad[1]),
                    bad[2]);
        }
        assertRefused(
                run("rollout", "--actions", "1,-2", "--out", tmp.resolve("r.gif").toString()),
                "--actions values must be >= 0, got -2");
        assertRefused(
                run(
                        "train",
                        "tokenizer",
                        "--data",
                        tmp.toString(),
                        "--out",
                        tmp.resolve("t").toString(),
                        "--steps",
                        "0"),
                "--steps must be >= 1, got 0");
        assertRefused(
                run(
                        "import-video",
                        "--in",
                        tmp.toString(),
                        "--out",
                        tmp.resolve("v").toString(),
                        "--episode-frames",
                        "1"),
                "--episode-frames must be >= 2, got 1");
        assertRefused(run("bc-eval", "--seeds", "0"), "--seeds must be >= 1, got 0");
        assertRefused(run("bc-eval", "--epochs", "0"), "--epochs must be >= 1, got 0");
        assertRefused(
                run("bc-eval", "--demo-noise", "1.5"),
                "--demo-noise must be >= 0 and < 1, got 1.5");
        assertFalse(Files.exists(tmp.resolve("t")));
        assertFalse(Files.exists(tmp.resolve("v")));
        assertFalse(Files.exists(tmp.resolve("w")));
    }

    /** Every command, depth first. */
    private static void commands(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(c -> commands(c, into));
    }

    @Test
    void everyCommandsSummaryIsAWholeSentence() {
        List<CommandLine> all = new ArrayList<>();
        commands(Genie4jCommand.newCommandLine(), all);
        assertTrue(all.size() > 20, "found " + all.size());
        for (CommandLine c : all) {
            // The command list shows the header if there is one, else the description's first
            // line.
            var usage = c.getCommandSpec().usageMessage();
            String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
            assertTrue(lines.length > 0, c.getCommandName());
            String summary = lines[0].strip();
            assertTrue(
                    summary.endsWith(".") && Character.isUpperCase(summary.charAt(0)),
                    c.getCommandSpec().qualifiedName() + "'s summary: " + summary);
        }
        Result help = run("train", "tokenizer", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("{\"model\": {...}, \"train\": {...}}"), help.out());
        assertFalse(help.out().contains("\\"), "no escapes: " + help.out());
        for (String[] cmd :
                new String[][] {
                    {"demo", "--help"}, {"rollout", "--help"}, {"bench", "world", "--help"}
                }) {
            Result h = run(cmd);
            assertTrue(
                    h.out()
                            .replaceAll("\\s+", " ")
                            .contains(
                                    "centre-cropped to a square, resized and turned into RGB, with"
                                            + " a warning"),
                    String.join(" ", cmd) + ": " + h.out());
        }
    }

    @Test
    void aPromptImageOfAnotherSizeOrGrayIsUsedWithAWarning() throws Exception {
        Path gray = tmp.resolve("gray.png");
        ImageIO.write(
                new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY), "png", gray.toFile());
        Path fit = tmp.resolve("fit.png");
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", fit.toFile());
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        byte[] a;
        byte[] b;
        String afterGray;
        try {
            a = PlayCommands.imageFrame(gray, 16);
            afterGray = err.toString(StandardCharsets.UTF_8);
            b = PlayCommands.imageFrame(fit, 16);
        } finally {
            System.setErr(saved);
        }
        assertEquals(16 * 16 * 3, a.length);
        assertEquals(16 * 16 * 3, b.length);
        assertEquals(
                "genie4j: warning: prompt image gray.png is 40×30 grayscale; the model plays 16×16"
                        + " RGB frames, so it was cropped to its centre 30×30, shrunk to 16×16,"
                        + " turned into RGB. Give a 16×16 RGB image to use it as it is\n",
                afterGray.replace("\r\n", "\n"));
        assertEquals(afterGray, err.toString(StandardCharsets.UTF_8), "no warning for a fit image");
    }

    @Test
    void djlsGpuProbeWarningIsSilencedAndOtherWarningsAreNot() {
        org.slf4j.Logger cuda = org.slf4j.LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils");
        assertFalse(cuda.isWarnEnabled(), "the CPU-only jar's GPU probe does not warn");
        assertTrue(cuda.isErrorEnabled());
        assertTrue(org.slf4j.LoggerFactory.getLogger("ai.djl.engine.Engine").isWarnEnabled());
        assertTrue(org.slf4j.LoggerFactory.getLogger("ai.djl.util.cuda").isWarnEnabled());
        assertTrue(org.slf4j.LoggerFactory.getLogger("io.genie4j.genie.GenieEnv").isWarnEnabled());
    }

    @Test
    void keygenWritesAShareablePublicKeyAndAPrivateSecret() throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX");
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        int umask = Integer.parseInt(new String(p.getInputStream().readAllBytes()).trim(), 8);
        assertEquals(0, p.waitFor());
        Result r = run("keygen", "--out", tmp.toString(), "--name", "server");
        assertEquals(0, r.exit(), r.allErr());
        Set<PosixFilePermission> pub = Files.getPosixFilePermissions(tmp.resolve("server.pub"));
        Set<PosixFilePermission> secret =
                Files.getPosixFilePermissions(tmp.resolve("server.secret"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), secret);
        String expected =
                PosixFilePermissions.toString(
                        PosixFilePermissions.fromString(toRwx(0666 & ~umask)));
        assertEquals(expected, PosixFilePermissions.toString(pub), "the umask applies");
        if (umask == 022) {
            assertTrue(pub.contains(PosixFilePermission.GROUP_READ), pub.toString());
            assertTrue(pub.contains(PosixFilePermission.OTHERS_READ), pub.toString());
        }
    }

    private static String toRwx(int mode) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int m = (mode >> shift) & 7;
            sb.append((m & 4) != 0 ? 'r' : '-')
                    .append((m & 2) != 0 ? 'w' : '-')
                    .append((m & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    @Test
    void playScriptWritesTheRecordedGifAndRefusesUnknownKeys() throws Exception {
        Path gif = tmp.resolve("script.gif");
        Result r =
                run(
                        "play",
                        "--seed",
                        "3",
                        "--script",
                        "right,right+up,none,left",
                        "--out",
                        gif.toString());
        assertEquals(0, r.exit(), r.allErr());
        assertTrue(r.out().contains("\"steps\":4"), r.out());
        byte[] b = java.nio.file.Files.readAllBytes(gif);
        assertEquals("GIF89a", new String(b, 0, 6, StandardCharsets.US_ASCII));
        Result bad =
                run("play", "--script", "right,jump", "--out", tmp.resolve("x.gif").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.allErr().contains("keys are left, right, up and down"), bad.allErr());
        Result alone = run("play", "--script", "right");
        assertEquals(2, alone.exit());
        assertTrue(alone.allErr().contains("--script and --out go together"), alone.allErr());
    }
}
