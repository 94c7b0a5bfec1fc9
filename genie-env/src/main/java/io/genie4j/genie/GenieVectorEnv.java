package io.genie4j.genie;

import io.genie4j.env.Box;
import io.genie4j.env.Discrete;
import io.genie4j.env.EnvOptions;
import io.genie4j.env.EnvSpec;
import io.genie4j.env.Space;
import io.genie4j.env.Tensor;
import io.genie4j.env.VectorEnv;
import io.genie4j.env.VectorReset;
import io.genie4j.env.VectorStep;
import io.genie4j.genie.world.ActionTable;
import io.genie4j.genie.world.EventHeads;
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.WorldModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * N {@code Genie-v0} worlds as one {@link VectorEnv} whose step is one batched forward of the world
 * model. The worlds share one batch and restart together: when the time limit is reached, or a
 * world's termination head fires (the others are then truncated), the next step resets every world
 * and ignores its actions (next-step autoreset). World i of {@code reset(seed)} starts as a single
 * {@code Genie-v0} reset with {@code seed + i} does.
 */
public final class GenieVectorEnv implements VectorEnv<Tensor, Integer> {

    private final EnvSpec spec;
    private final int n;
    private final Integer limit;
    private final GenieWorld world;
    private final String prompt;
    private final Tensor image;
    private final int size;
    private final Discrete actions;
    private final ActionTable table;
    private final EventHeads events;
    private final Box observations;
    private SplittableRandom seeds = new SplittableRandom();
    private boolean needsReset;
    private boolean started;
    private List<Tensor> last;

    /** Makes {@code n} worlds from registry options, truncating after {@code limit} steps. */
    public GenieVectorEnv(EnvOptions options, int n, Integer limit) {
        this.spec = options.spec().withMaxEpisodeSteps(limit);
        this.n = n;
        this.limit = limit;
        Object promptValue = options.get("prompt");
        this.prompt = promptValue instanceof String s ? s : "(pixels)";
        GenieEnv.checkPrompt(promptValue);
        WorldModel model = GenieEnv.model(options.getString("model"));
        this.world = new GenieWorld(model, n, GenieEnv.sampling(options));
        this.size = model.config().imageSize();
        this.image = GenieEnv.promptImage(promptValue, size);
        this.table = GenieEnv.actionTable(options, model);
        this.events = options.getBoolean("events") ? model.eventHeads() : null;
        this.actions = new Discrete(table == null ? model.config().actions() : table.size());
        this.observations = Box.image(size, size);
    }

    @Override
    public int numEnvs() {
        return n;
    }

    @Override
    public Space<Tensor> singleObservationSpace() {
        return observations;
    }

    @Override
    public Space<Integer> singleActionSpace() {
        return actions;
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    @Override
    public VectorReset<Tensor> reset(Long seed, Map<String, Object> options) {
        long[] s = new long[n];
        if (seed != null) {
            seeds = new SplittableRandom(seed);
        }
        for (int i = 0; i < n; i++) {
            // As a single Genie-v0 env reset with seed + i.
            s[i] = seed == null ? seeds.nextLong() : new SplittableRandom(seed + i).nextLong();
        }
        return doReset(s, options);
    }

    @Override
    public VectorReset<Tensor> reset(long[] worldSeeds, Map<String, Object> options) {
        if (worldSeeds.length != n) {
            throw new IllegalArgumentException(
                    "reset got " + worldSeeds.length + " seeds for " + n + " envs");
        }
        seeds = new SplittableRandom(worldSeeds[0]);
        return doReset(worldSeeds.clone(), options);
    }

    private VectorReset<Tensor> doReset(long[] worldSeeds, Map<String, Object> options) {
        for (String k : options.keySet()) {
            if (!k.equals("prompt_frames")) {
                throw new IllegalArgumentException(
                        GenieEnv.ID + " takes only the reset option prompt_frames, got " + k);
            }
        }
        Tensor given =
                options.containsKey("prompt_frames")
                        ? GenieEnv.checkFrames(options.get("prompt_frames"), size)
                        : null;
        int p = given == null ? 1 : given.rank() == 3 ? 1 : given.dim(0);
        int frameBytes = size * size * 3;
        byte[] frames = new byte[n * p * frameBytes];
        for (int i = 0; i < n; i++) {
            byte[] f =
                    given != null
                            ? given.toByteArray()
                            : GenieEnv.promptFrame(
                                            image,
                                            prompt,
                                            worldSeeds[i],
                                            size,
                                            world.model().envOptions())
                                    .toByteArray();
            System.arraycopy(f, 0, frames, i * p * frameBytes, p * frameBytes);
        }
        byte[] out = world.reset(frames, p, worldSeeds);
        started = true;
        needsReset = false;
        last = split(out);
        return new VectorReset<>(last, infos());
    }

    @Override
    public VectorStep<Tensor> step(List<Integer> acts) {
        if (!started) {
            throw new IllegalStateException("step() called before reset()");
        }
        if (acts.size() != n) {
            throw new IllegalArgumentException(
                    "step got " + acts.size() + " actions for " + n + " envs");
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = actions.validate(acts.get(i), "action [" + i + "]");
        }
        int[] played = a.clone();
        if (table != null) {
            for (int i = 0; i < n; i++) {
                played[i] = table.code(a[i]);
            }
        }
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        if (needsReset) {
            // Next-step autoreset: every world starts a new episode; this step's actions are
            // ignored.
            long[] s = new long[n];
            for (int i = 0; i < n; i++) {
                s[i] = seeds.nextLong();
            }
            VectorReset<Tensor> r = doReset(s, Map.of());
            return new VectorStep<>(r.observations(), rewards, terminated, truncated, r.infos());
        }
        last = split(world.step(played));
        List<Map<String, Object>> infos = infos();
        boolean any = readEvents(rewards, terminated, infos);
        boolean end = limit != null && world.steps() >= limit;
        for (int i = 0; i < n; i++) {
            // The worlds share one batch, so they restart together: a world still running when
            // another terminates is truncated.
            truncated[i] = !terminated[i] && (end || any);
        }
        needsReset = end || any;
        if (table != null) {
            for (int i = 0; i < n; i++) {
                infos.get(i).put("latent_action", played[i]);
            }
        }
        return new VectorStep<>(last, rewards, terminated, truncated, infos);
    }

    /** Fills rewards and terminations from the event heads; whether any world terminated. */
    private boolean readEvents(
            double[] rewards, boolean[] terminated, List<Map<String, Object>> infos) {
        double[][] p = events == null ? null : world.eventProbabilities();
        if (p == null) {
            return false;
        }
        boolean any = false;
        for (int i = 0; i < n; i++) {
            rewards[i] = events.rewardFires(p[i][0]) ? events.rewardValue() : 0.0;
            terminated[i] = events.terminationFires(p[i][1]);
            any |= terminated[i];
            infos.get(i).put("reward_probability", p[i][0]);
            infos.get(i).put("termination_probability", p[i][1]);
        }
        return any;
    }

    private List<Tensor> split(byte[] frames) {
        int fb = size * size * 3;
        List<Tensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[fb];
            System.arraycopy(frames, i * fb, f, 0, fb);
            out.add(Tensor.uint8(f, size, size, 3));
        }
        return out;
    }

    private List<Map<String, Object>> infos() {
        double[] u = world.uncertainty();
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", world.steps());
            m.put("uncertainty", u[i]);
            out.add(m);
        }
        return out;
    }

    @Override
    public List<Tensor> render() {
        if (last == null) {
            throw new IllegalStateException("render() called before reset()");
        }
        return List.copyOf(last);
    }

    @Override
    public void close() {
        world.close();
    }
}
