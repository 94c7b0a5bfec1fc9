package io.genie4j.genie.world;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genie4j.env.AtomicFiles;
import io.genie4j.genie.data.Clip;
import io.genie4j.genie.data.VideoDataset;
import io.genie4j.genie.metrics.ImageMetrics;
import io.genie4j.genie.nn.Patches;
import io.genie4j.genie.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A game's real actions as latent actions: which code a world model's frozen LAM assigns to the
 * transitions made with each real action, fitted from action-labelled episodes and stored beside
 * the model as {@value #FILE}. It lets a world be played with the game's own controls ({@code
 * Genie-v0} option {@code actions=coinrun}) and lets {@code eval world} feed the same real actions
 * to the game and to the world.
 *
 * <p>Real actions with the same name (CoinRun's six ignored keys all play as {@code NOOP}) are
 * pooled, so they map to the same code. Each name maps to the code the LAM most often inferred on
 * its transitions; {@link #share(int)} says how often that was, and a name whose transitions were
 * never seen is refused when fitting.
 *
 * @param env the id of the env whose actions these are (from the episodes' manifest)
 * @param names the name of each real action, in action order
 * @param counts {@code [real action][code]}: transitions made with each real action on which the
 *     LAM inferred each code
 * @param codeOf the latent code each real action plays as
 */
public record ActionTable(String env, List<String> names, long[][] counts, int[] codeOf) {

    /** The file name in a model directory. */
    public static final String FILE = "action_table.json";

    /** The "kind" field of the file. */
    public static final String KIND = "genie4j-action-table";

    /** Checks the parts agree. */
    public ActionTable {
        names = List.copyOf(names);
        if (names.isEmpty() || counts.length != names.size() || codeOf.length != names.size()) {
            throw new IllegalArgumentException(
                    "an action table needs one name, one row of counts and one code per action");
        }
        int codes = counts[0].length;
        for (int a = 0; a < counts.length; a++) {
            if (counts[a].length != codes || codeOf[a] < 0 || codeOf[a] >= codes) {
                throw new IllegalArgumentException(
                        "action " + a + " has a row of the wrong length or an unknown code");
            }
        }
    }

    /**
     * Fits the table: each name's real actions play as the code most often inferred on their pooled
     * transitions (the lower code on a tie).
     *
     * @param counts {@code [real action][code]} transition counts
     * @throws IllegalArgumentException naming any action name without a counted transition
     */
    public static ActionTable fit(String env, List<String> names, long[][] counts) {
        if (counts.length != names.size()) {
            throw new IllegalArgumentException(
                    counts.length + " rows of counts for " + names.size() + " action names");
        }
        int codes = counts.length == 0 ? 0 : counts[0].length;
        int[] codeOf = new int[names.size()];
        List<String> unseen = new ArrayList<>();
        for (int a = 0; a < names.size(); a++) {
            long[] pooled = new long[codes];
            for (int b = 0; b < names.size(); b++) {
                if (names.get(b).equals(names.get(a))) {
                    for (int c = 0; c < codes; c++) {
                        pooled[c] += counts[b][c];
                    }
                }
            }
            int best = 0;
            for (int c = 1; c < codes; c++) {
                if (pooled[c] > pooled[best]) {
                    best = c;
                }
            }
            if (pooled[best] == 0 && !unseen.contains(names.get(a))) {
                unseen.add(names.get(a));
            }
            codeOf[a] = best;
        }
        if (!unseen.isEmpty()) {
            throw new IllegalArgumentException(
                    "no labelled transition was made with "
                            + String.join(", ", unseen)
                            + "; fit the table on episodes whose policy plays every action (for"
                            + " example genie4j record --policy random-no-repeat)");
        }
        return new ActionTable(env, names, counts, codeOf);
    }

    /**
     * Counts, on up to {@code transitions} labelled transitions spread over {@code episodes}, the
     * code {@code model}'s LAM infers for each real action: {@code [real actions][codes]}.
     *
     * @param realActions the game's number of actions (a recorded action outside it is refused)
     */
    public static long[][] count(
            WorldModel model,
            List<Clip.Source> episodes,
            int realActions,
            int transitions,
            int batch) {
        if (transitions < 1 || batch < 1) {
            throw new IllegalArgumentException("need at least 1 transition and a batch of 1");
        }
        WorldConfig c = model.config();
        int length = c.context();
        int clipCount = (transitions + length - 2) / (length - 1);
        List<Clip> clips = VideoDataset.spreadClips(episodes, length, clipCount);
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("no episode has " + length + " frames");
        }
        long[][] counts = new long[realActions][c.actions()];
        long counted = 0;
        try (NDManager base = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int i = 0; i < clips.size() && counted < transitions; i += batch) {
                int n = Math.min(batch, clips.size() - i);
                byte[] video = Clip.frames(clips, i, n);
                long[] codes;
                try (NDManager sm = base.newSubManager()) {
                    NDArray v =
                            Patches.video(sm, video, n, length, c.imageSize(), c.imageSize(), 3);
                    NDArray tokens =
                            c.lamInput() == WorldConfig.LamInput.TOKENS
                                    ? WorldModel.tokenize(
                                            model.tokenizer(), ps, v, c.tokenizerWindow())
                                    : null;
                    codes = model.actions().infer(ps, v, tokens).toLongArray();
                }
                for (int j = 0; j < n; j++) {
                    Clip clip = clips.get(i + j);
                    for (int t = 0; t < length - 1 && counted < transitions; t++) {
                        int real = clip.source().action(clip.start() + t);
                        if (real >= realActions) {
                            throw new IllegalArgumentException(
                                    clip.source().name()
                                            + " records action "
                                            + real
                                            + "; the game has "
                                            + realActions);
                        }
                        if (real >= 0) {
                            counts[real][(int) codes[j * (length - 1) + t]]++;
                            counted++;
                        }
                    }
                }
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException(
                    "the episodes record no actions; fit the table on episodes recorded with"
                            + " genie4j record");
        }
        return counts;
    }

    /** The number of real actions. */
    public int size() {
        return names.size();
    }

    /** The number of latent codes. */
    public int codes() {
        return counts[0].length;
    }

    /** The latent code real action {@code action} plays as. */
    public int code(int action) {
        if (action < 0 || action >= codeOf.length) {
            throw new IllegalArgumentException(
                    "real action " + action + " is outside 0.." + (codeOf.length - 1));
        }
        return codeOf[action];
    }

    /** The labelled transitions the table was fitted on. */
    public long transitions() {
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
    }

    /**
     * How often the LAM inferred {@code code(action)} on the transitions of {@code action}'s name:
     * 1 for a LAM that always agrees with the table, {@code 1 / codes} for one that ignores the
     * action.
     */
    public double share(int action) {
        long all = 0;
        long agree = 0;
        for (int b = 0; b < names.size(); b++) {
            if (names.get(b).equals(names.get(action))) {
                all += Arrays.stream(counts[b]).sum();
                agree += counts[b][codeOf[action]];
            }
        }
        return all == 0 ? 0 : (double) agree / all;
    }

    /** Mutual information (bits) between the real action and the inferred code, bias-corrected. */
    public double mutualInformationBits() {
        long[][] byCode = new long[codes()][size()];
        for (int a = 0; a < size(); a++) {
            for (int c = 0; c < codes(); c++) {
                byCode[c][a] = counts[a][c];
            }
        }
        return ImageMetrics.mutualInformationBitsCorrected(byCode);
    }

    /** The table as JSON (the file's content). */
    public ObjectNode toJson() {
        ObjectNode root = Checkpoints.JSON.createObjectNode();
        root.put("kind", KIND);
        root.put("version", 1);
        root.put("env_id", env);
        root.put("transitions", transitions());
        root.put(
                "mutual_information_bits_corrected",
                Math.round(mutualInformationBits() * 1000) / 1000.0);
        ArrayNode rows = root.putArray("actions");
        for (int a = 0; a < size(); a++) {
            ObjectNode row = rows.addObject();
            row.put("action", a);
            row.put("name", names.get(a));
            row.put("code", codeOf[a]);
            row.put("share", Math.round(share(a) * 1000) / 1000.0);
            ArrayNode c = row.putArray("counts");
            for (long x : counts[a]) {
                c.add(x);
            }
        }
        return root;
    }

    /** Writes the table into model directory {@code dir} atomically. */
    public void save(Path dir) throws IOException {
        AtomicFiles.writeString(
                dir.resolve(FILE), Checkpoints.JSON.writeValueAsString(toJson()) + "\n");
    }

    /** The table a model source holds, or null if it has none. */
    public static ActionTable load(Checkpoints.Source source) throws IOException {
        if (!source.has(FILE)) {
            return null;
        }
        try (InputStream in = source.open(FILE)) {
            return of(Checkpoints.JSON.readTree(in), source.where(FILE));
        }
    }

    /** Reads a table from its JSON; {@code where} names the file in errors. */
    static ActionTable of(JsonNode root, String where) {
        if (!KIND.equals(root.path("kind").asText())) {
            throw new IllegalArgumentException(
                    where + " is not an action table (kind " + KIND + ")");
        }
        JsonNode rows = root.path("actions");
        if (!rows.isArray() || rows.isEmpty()) {
            throw new IllegalArgumentException(where + " has no actions");
        }
        List<String> names = new ArrayList<>();
        long[][] counts = new long[rows.size()][];
        int[] codeOf = new int[rows.size()];
        for (int a = 0; a < rows.size(); a++) {
            JsonNode row = rows.get(a);
            names.add(row.path("name").asText(Integer.toString(a)));
            codeOf[a] = row.path("code").asInt(-1);
            JsonNode c = row.path("counts");
            counts[a] = new long[c.size()];
            for (int k = 0; k < c.size(); k++) {
                counts[a][k] = c.get(k).asLong();
            }
        }
        try {
            return new ActionTable(root.path("env_id").asText(""), names, counts, codeOf);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
