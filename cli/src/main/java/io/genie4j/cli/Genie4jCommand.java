package io.genie4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code genie4j} command: a thin picocli front over the modules. Each subcommand parses its
 * options, calls one module's public API and prints the result; no logic lives here.
 */
@Command(
        name = "genie4j",
        mixinStandardHelpOptions = true,
        versionProvider = Genie4jCommand.Version.class,
        description = {
            "Genie4j: generative interactive environments on the JVM.",
            "A world model learned from action-free video, served as Gymnasium-style environments."
        },
        subcommands = {
            EnvsCommand.class,
            ServeCommand.class,
            KeygenCommand.class,
            BenchCommand.class,
            CoinRunCommand.class,
            RecordCommand.class,
            ImportVideoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PlayCommands.Demo.class,
            PlayCommands.Rollout.class,
            PlayCommand.class,
            BcEvalCommand.class,
            WorldRlCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Genie4jCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Entry point: runs the command line and exits with its status. */
    public static void main(String[] args) {
        try {
            System.exit(newCommandLine().execute(args));
        } catch (OutOfMemoryError e) {
            // Datasets are held in memory: say what to do rather than dump a stack trace.
            System.err.println(
                    "genie4j: out of Java heap ("
                            + Runtime.getRuntime().maxMemory() / (1 << 20)
                            + " MiB allowed): "
                            + e.getMessage()
                            + ". The data this command loads does not fit; give Java more with"
                            + " GENIE4J_JAVA_OPTS=-Xmx16g bin/genie4j ... (or java -Xmx16g -jar"
                            + " ...), or pass fewer episodes.");
            System.exit(3);
        }
    }

    /** The configured command line, for {@link #main} and tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Genie4jCommand());
        // Descriptions are written for lines of up to 100 characters; picocli's 80 would break
        // them in the middle.
        cl.setUsageHelpWidth(100);
        cl.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    // Bad input is the user's to fix: print the message, not a stack trace.
                    Exception e =
                            ex instanceof UncheckedIOException u && u.getCause() != null
                                    ? u.getCause()
                                    : ex;
                    if (e instanceof IllegalArgumentException || e instanceof IOException) {
                        commandLine.getErr().println("genie4j: " + message(e));
                        return 2;
                    }
                    throw ex;
                });
        return cl;
    }

    /**
     * The message to print for a user's error. The JDK's file system exceptions often carry only a
     * path; this adds what went wrong with it.
     */
    static String message(Exception e) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null) {
            return e.getMessage();
        }
        String what =
                f.getReason() != null
                        ? f.getReason()
                        : f instanceof AccessDeniedException
                                ? "permission denied"
                                : f instanceof NoSuchFileException
                                        ? "no such file or directory"
                                        : f instanceof FileAlreadyExistsException
                                                ? "already exists"
                                                : f instanceof NotDirectoryException
                                                        ? "not a directory"
                                                        : f instanceof DirectoryNotEmptyException
                                                                ? "directory not empty"
                                                                : f.getClass().getSimpleName();
        return f.getFile()
                + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "")
                + ": "
                + what;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version the build wrote into {@code genie4j-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in =
                    Genie4jCommand.class.getResourceAsStream("/genie4j-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "genie4j " + p.getProperty("version", "unknown"),
                "Java "
                        + System.getProperty("java.version")
                        + " ("
                        + System.getProperty("java.vm.name")
                        + ")"
            };
        }
    }
}
