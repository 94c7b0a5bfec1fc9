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
     * Extends the run in {@code dir} (of the given kind) to {@code steps} steps in all, so that
     * {@code --resume} trains on past its old end. The learning-rate schedule becomes that of a
     * {@code steps}-step run, so past the warm-up the rate rises again to where that run would be.
     */
    public static void extendRun(Path dir, String kind, int steps) throws IOException {
        ObjectNode json = readModelJson(dir, kind);
        int at = json.path("training").path("step").asInt();
        if (steps <= at) {
            throw new IllegalArgumentException(
                    dir
                            + " is at step "
                            + at
                            + "; --steps must be more to extend it, got "
                            + steps);
        }
        JsonNode train = json.get("train_config");
        if (!(train instanceof ObjectNode t)) {
            throw new IllegalArgumentException(dir.resolve("model.json") + " has no train_config");
        }
        t.put("steps", steps);
        if (json.get("training") instanceof ObjectNode training) {
            training.put("steps", steps);
        }
        writeModelJson(dir, json);
    }

    /**
     * Sets one numeric field of the {@code train_config} in {@code dir}'s {@code model.json} (a
     * resumed run reads it from there), written atomically.
     */
    public static void setTrainField(Path dir, String kind, String field, double value)
            throws IOException {
        setField(dir, kind, "train_config", section -> section.put(field, value));
    }

    /**
     * Sets one field of the model {@code config} in {@code dir}'s {@code model.json} (atomically).
     */
    public static void setConfigField(Path dir, String kind, String field, boolean value)
            throws IOException {
        setField(dir, kind, "config", section -> section.put(field, value));
    }

    private static void setField(
            Path dir, String kind, String section, java.util.function.Consumer<ObjectNode> set)
            throws IOException {
        ObjectNode json = readModelJson(dir, kind);
        if (!(json.get(section) instanceof ObjectNode node)) {
            throw new IllegalArgumentException(dir.resolve("model.json") + " has no " + section);
        }
        set.accept(node);
        writeModelJson(dir, json);
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

    /** Where a model's files are: a directory, or a folder of the class path (a shipped model). */
    public interface Source {
        /**
         * Opens one of the model's files; throws {@link IllegalArgumentException} naming it if it
         * does not exist.
         */
        InputStream open(String file) throws IOException;

        /** A human-readable name of one of the model's files (for messages). */
        String where(String file);

        /** The source of a sub-folder. */
        Source resolve(String folder);

        /** Whether the model has {@code file}. */
        boolean has(String file);

        /** The files in directory {@code dir}. */
        static Source of(Path dir) {
            return new Source() {
                @Override
                public InputStream open(String file) throws IOException {
                    try {
                        return Files.newInputStream(dir.resolve(file));
                    } catch (NoSuchFileException e) {
                        throw new IllegalArgumentException(
                                dir + " is not a complete model directory: it has no " + file);
                    }
                }

                @Override
                public String where(String file) {
                    return dir.resolve(file).toString();
                }

                @Override
                public Source resolve(String folder) {
                    return of(dir.resolve(folder));
                }

                @Override
                public boolean has(String file) {
                    return Files.isRegularFile(dir.resolve(file));
                }
            };
        }

        /** The files under class-path folder {@code prefix} (ending in '/'). */
        static Source resource(String prefix) {
            return new Source() {
                @Override
                public InputStream open(String file) {
                    InputStream in = Checkpoints.class.getResourceAsStream(prefix + file);
                    if (in == null) {
                        throw new IllegalStateException(
                                "this build ships no " + prefix + file + " (no default model)");
                    }
                    return in;
                }

                @Override
                public String where(String file) {
                    return "classpath:" + prefix + file;
                }

                @Override
                public Source resolve(String folder) {
                    return resource(prefix + folder + "/");
                }

                @Override
                public boolean has(String file) {
                    return Checkpoints.class.getResource(prefix + file) != null;
                }
            };
        }
    }

    /** Reads and checks a source's {@code model.json}. */
    public static ObjectNode readModelJson(Source source, String kind) throws IOException {
        try (InputStream in = source.open("model.json")) {
            return checkModelJson(in, source.where("model.json"), kind);
        }
    }

    /** Loads one of a source's parameter files into an initialised block (see below). */
    public static void loadParameters(Module block, NDManager manager, Source source, String file)
            throws IOException {
        try (InputStream in = source.open(file)) {
            loadParameters(block, manager, in, source.where(file));
        }
    }

    /** Copies {@code files} of a source into {@code dir} (atomically each). */
    public static void copy(Source source, Path dir, String... files) throws IOException {
        Files.createDirectories(dir);
        for (String f : files) {
            try (InputStream in = source.open(f)) {
                byte[] bytes = in.readAllBytes();
                AtomicFiles.write(dir.resolve(f), out -> out.write(bytes));
            }
        }
    }

    /**
     * A training run's {@code model.json}: its model and training configs, progress ({@code
     * training}: step, steps, seconds, frames) and data ({@code data}: directory, episodes and
     * frames per split). Callers add what is particular to their model.
     */
    public static ObjectNode newRunJson(
            String kind,
            Object config,
            TrainConfig train,
            int step,
            double seconds,
            long frames,
            io.genie4j.genie.data.VideoDataset dataset) {
        ObjectNode json = newModelJson(kind);
        json.set("config", JSON.valueToTree(config));
        json.set("train_config", JSON.valueToTree(train));
        ObjectNode training = json.putObject("training");
        training.put("step", step);
        training.put("steps", train.steps());
        training.put("seconds", Math.round(seconds * 10) / 10.0);
        training.put("frames", frames);
        ObjectNode d = json.putObject("data");
        d.put("dir", dataset.dir().toAbsolutePath().toString());
        d.put("episodes_available", dataset.available());
        d.put("train_episodes", dataset.train().size());
        d.put("train_frames", io.genie4j.genie.data.VideoDataset.frames(dataset.train()));
        d.put("validation_episodes", dataset.validation().size());
        d.put("validation_frames", io.genie4j.genie.data.VideoDataset.frames(dataset.validation()));
        if (!dataset.envOptions().isEmpty()) {
            d.set("env_options", JSON.valueToTree(new java.util.TreeMap<>(dataset.envOptions())));
        }
        return json;
    }

    /** Writes counts (e.g. a quantiser's usage) as a JSON array field. */
    public static void putCounts(ObjectNode node, String field, long[] counts) {
        var array = node.putArray(field);
        for (long c : counts) {
            array.add(c);
        }
    }

    /**
     * Reads {@code n} counts written by {@link #putCounts}, or null if absent or of another size.
     */
    public static long[] counts(JsonNode node, String field, int n) {
        JsonNode array = node.path(field);
        if (array.size() != n) {
            return null;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
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
