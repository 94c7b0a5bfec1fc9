package io.genie4j.genie.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.nn.Module;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checkpoint directories: {@code model.json} (format, version, kind, config, training record,
 * metrics) beside one DJL parameter file per model part. Every file is written to a temporary name
 * and renamed, so an interrupted save leaves the previous checkpoint intact.
 */
public final class Checkpoints {

    /** The value of {@code model.json}'s "format" field. */
    public static final String FORMAT = "genie4j-model";

    /** The checkpoint layout version this code writes and reads. */
    public static final int VERSION = 1;

    /** The JSON mapper used for checkpoints (pretty-printed). */
    public static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {}

    /** A new {@code model.json} tree of the given kind. */
    public static ObjectNode newModelJson(String kind) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("kind", kind);
        return root;
    }

    /** Writes {@code model.json} atomically. */
    public static void writeModelJson(Path dir, JsonNode json) throws IOException {
        AtomicFiles.writeString(dir.resolve("model.json"), JSON.writeValueAsString(json) + "\n");
    }

    /**
     * Reads {@code model.json} from {@code dir} and checks its format, version and kind; the
     * message of any failure names the file and the problem.
     */
    public static ObjectNode readModelJson(Path dir, String kind) throws IOException {
        Path file = dir.resolve("model.json");
        try (InputStream in = Files.newInputStream(file)) {
            return checkModelJson(in, file.toString(), kind);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    dir + " is not a model directory: it has no model.json");
        }
    }

    /** Checks an already opened {@code model.json}. */
    public static ObjectNode checkModelJson(InputStream in, String where, String kind)
            throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode obj) || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(where + " is not a genie4j model description");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    where
                            + " has checkpoint version "
                            + version
                            + "; this build reads version "
                            + VERSION);
        }
        String k = root.path("kind").asText();
        if (!kind.equals(k)) {
            throw new IllegalArgumentException(
                    where + " describes a " + k + " model, not a " + kind);
        }
        return obj;
    }

    /** Saves a block's parameters to {@code file} atomically. */
    public static void saveParameters(Module block, Path file) throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream dos = new DataOutputStream(out);
                    block.saveParameters(dos);
                    dos.flush();
                });
    }

    /**
     * Loads parameters into an initialised block, checking every shape against the block's config.
     * Throws {@link IllegalArgumentException} naming the file and the mismatch.
     */
    public static void loadParameters(Module block, NDManager manager, InputStream in, String where)
            throws IOException {
        PairList<String, Shape> expected = block.declaredShapes();
        try (DataInputStream dis = new DataInputStream(new BufferedInputStream(in))) {
            block.loadParameters(manager, dis);
        } catch (MalformedModelException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    where + " does not fit the model's config: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(where + " is truncated", e);
        }
        try {
            block.checkShapes(expected);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
