package io.genie4j.genie.play;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genie4j.genie.train.Checkpoints;
import io.genie4j.genie.world.ActionTable;
import io.genie4j.genie.world.WorldModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each latent action of a world model tends to do, read from the latent-by-real-action table
 * that {@code genie4j eval world} stores in the model's {@code model.json} ({@code
 * eval.latent_by_real_action}: how often each code was inferred on transitions made with each real
 * action). A model without the table is unlabelled: its codes have numbers only.
 *
 * <p>A model with a real-action table ({@code action_table.json}, from {@code genie4j train
 * actions}) is labelled from that table instead, and each real action plays as the code the table
 * maps it to, so the play page's keys and {@code Genie-v0}'s {@code actions=coinrun} agree.
 *
 * <p>Real actions with the same name (CoinRun's six ignored keys all play as {@code NOOP}) are
 * counted as one.
 */
public final class ActionLegend {

    private final int codes;
    private final List<String> names;
    private final long[][] table; // [code][name index], or null when unlabelled
    private final int[] nameOfAction; // real action -> name index
    private final Double bits;
    private final ActionTable fitted; // the model's real-action table, or null

    private ActionLegend(
            int codes,
            List<String> names,
            long[][] table,
            int[] nameOfAction,
            Double bits,
            ActionTable fitted) {
        this.codes = codes;
        this.names = names;
        this.table = table;
        this.nameOfAction = nameOfAction;
        this.bits = bits;
        this.fitted = fitted;
    }

    /** A legend with no table: {@code codes} latent actions and nothing known about them. */
    public static ActionLegend unlabelled(int codes) {
        return new ActionLegend(codes, List.of(), null, new int[0], null, null);
    }

    /**
     * The legend of a model's real-action table ({@code genie4j train actions}): its counts label
     * the codes, and each real action plays as the code the table maps it to, as in {@code
     * Genie-v0} with {@code actions=coinrun}.
     */
    public static ActionLegend of(ActionTable t) {
        List<String> names = new ArrayList<>();
        int[] nameOf = pool(t.names(), names);
        long[][] table = new long[t.codes()][names.size()];
        for (int a = 0; a < nameOf.length; a++) {
            for (int c = 0; c < t.codes(); c++) {
                table[c][nameOf[a]] += t.counts()[a][c];
            }
        }
        double mi = Math.round(t.mutualInformationBits() * 1000) / 1000.0;
        return new ActionLegend(t.codes(), List.copyOf(names), table, nameOf, mi, t);
    }

    /**
     * The legend of a model's {@code model.json}.
     *
     * @param modelJson the parsed {@code model.json}
     * @param actionNames the name of each real action, in action order (the table's columns)
     */
    public static ActionLegend of(JsonNode modelJson, List<String> actionNames) {
        int codes = modelJson.path("config").path("actions").asInt(0);
        JsonNode rows = modelJson.path("eval").path("latent_by_real_action");
        if (codes < 1) {
            throw new IllegalArgumentException("model.json has no config.actions");
        }
        if (!rows.isArray() || rows.size() != codes || actionNames.isEmpty()) {
            return unlabelled(codes);
        }
        List<String> names = new ArrayList<>();
        int[] nameOf = pool(actionNames, names);
        long[][] table = new long[codes][names.size()];
        for (int c = 0; c < codes; c++) {
            JsonNode row = rows.get(c);
            if (!row.isArray() || row.size() != nameOf.length) {
                return unlabelled(codes); // a table for other real actions
            }
            for (int a = 0; a < nameOf.length; a++) {
                table[c][nameOf[a]] += row.get(a).asLong();
            }
        }
        JsonNode mi = modelJson.path("eval").path("latent_real_action_mutual_information_bits");
        return new ActionLegend(
                codes,
                List.copyOf(names),
                table,
                nameOf,
                mi.isNumber() ? mi.asDouble() : null,
                null);
    }

    /**
     * Pools real actions by name: adds each distinct name of {@code actionNames} to {@code names},
     * in order of first appearance, and returns each action's index there.
     */
    private static int[] pool(List<String> actionNames, List<String> names) {
        int[] nameOf = new int[actionNames.size()];
        for (int a = 0; a < nameOf.length; a++) {
            int i = names.indexOf(actionNames.get(a));
            if (i < 0) {
                i = names.size();
                names.add(actionNames.get(a));
            }
            nameOf[a] = i;
        }
        return nameOf;
    }

    /**
     * The legend of the model in {@code dir} (the shipped model if null): from its real-action
     * table if it has one for these actions, else from {@code model.json}'s evaluation table.
     *
     * @throws IOException if its {@code model.json} cannot be read
     */
    public static ActionLegend read(Path dir, List<String> actionNames) throws IOException {
        ActionTable fitted =
                ActionTable.load(
                        dir == null
                                ? Checkpoints.Source.resource(WorldModel.DEFAULT_RESOURCE)
                                : Checkpoints.Source.of(dir));
        if (fitted != null && fitted.names().equals(actionNames)) {
            return of(fitted);
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode json;
        if (dir == null) {
            try (InputStream in =
                    WorldModel.class.getResourceAsStream(
                            WorldModel.DEFAULT_RESOURCE + "model.json")) {
                if (in == null) {
                    throw new IOException("the shipped model's model.json is missing");
                }
                json = mapper.readTree(in);
            }
        } else {
            json = mapper.readTree(Files.readAllBytes(dir.resolve("model.json")));
        }
        return of(json, actionNames);
    }

    /** The number of latent actions. */
    public int codes() {
        return codes;
    }

    /** Whether the model carries a latent-by-real-action table. */
    public boolean labelled() {
        return table != null;
    }

    /**
     * What code {@code c} tends to do: the real action most over-represented among its transitions
     * (the largest ratio of its share there to its share overall), such as {@code "RIGHT+UP: 18% of
     * its transitions (11% overall)"}; {@code "unlabelled"} without a table.
     */
    public String label(int c) {
        if (table == null) {
            return "unlabelled";
        }
        long total = 0;
        for (long x : table[c]) {
            total += x;
        }
        int best = bestAction(c);
        if (total == 0 || best < 0) {
            return "never seen in evaluation";
        }
        return String.format(
                Locale.ROOT,
                "%s: %.0f%% of its transitions (%.0f%% overall)",
                names.get(best),
                100.0 * table[c][best] / total,
                100.0 * column(best) / all());
    }

    private long column(int j) {
        long n = 0;
        for (long[] row : table) {
            n += row[j];
        }
        return n;
    }

    private long all() {
        long n = 0;
        for (int j = 0; j < names.size(); j++) {
            n += column(j);
        }
        return n;
    }

    private long row(int c) {
        long n = 0;
        for (long x : table[c]) {
            n += x;
        }
        return n;
    }

    /** The lift of (code, action name): P(name | code) / P(name), or -1 where undefined. */
    private double lift(int c, int j) {
        long r = row(c);
        long col = column(j);
        return r == 0 || col == 0 ? -1 : (double) table[c][j] / r / ((double) col / all());
    }

    private int bestAction(int c) {
        int best = -1;
        for (int j = 0; j < names.size(); j++) {
            if (lift(c, j) > (best < 0 ? 0 : lift(c, best))) {
                best = j;
            }
        }
        return best;
    }

    /**
     * The code real action {@code action} is most over-represented in (the same ratio as {@link
     * #label}), or -1 without a table or if the action was never seen.
     */
    public int codeFor(int action) {
        if (table == null || action < 0 || action >= nameOfAction.length) {
            return -1;
        }
        if (fitted != null) {
            return fitted.code(action);
        }
        int j = nameOfAction[action];
        int best = -1;
        for (int c = 0; c < codes; c++) {
            if (lift(c, j) > (best < 0 ? 0 : lift(best, j))) {
                best = c;
            }
        }
        return best;
    }

    /** The JSON form the play page shows: codes, labels and the table's mutual information. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < codes; c++) {
            labels.add(label(c));
        }
        m.put("codes", codes);
        m.put("labelled", labelled());
        m.put("labels", labels);
        m.put("mutual_information_bits", bits);
        return m;
    }
}
