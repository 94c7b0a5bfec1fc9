package io.genie4j.cli;

import io.genie4j.protocol.CurveKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genie4j keygen}: writes a CURVE key pair for the server or a client. */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description =
                "Write a CURVE key pair: NAME.pub (share it) and NAME.secret (keep it private).")
final class KeygenCommand implements Callable<Integer> {
    @Option(
            names = "--out",
            defaultValue = ".",
            description = "Directory for the key files (default: current).")
    Path out;

    @Option(
            names = "--name",
            defaultValue = "genie4j",
            description = "File name stem (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--force", description = "Overwrite existing key files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(
                    "--name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        if (!force
                && (Files.exists(out.resolve(name + ".secret"))
                        || Files.exists(out.resolve(name + ".pub")))) {
            throw new IllegalArgumentException(
                    out.resolve(name) + ".{pub,secret} exist; use --force to replace them");
        }
        Checks.outputDirectory("--out", out);
        CurveKeys keys = CurveKeys.generate();
        keys.write(out, name);
        System.out.println(keys.publicKey());
        System.err.println(
                "genie4j: wrote "
                        + out.resolve(name + ".pub")
                        + " and "
                        + out.resolve(name + ".secret"));
        return 0;
    }
}
