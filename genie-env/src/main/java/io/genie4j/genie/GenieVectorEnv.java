package io.genie4j.genie;

import io.genie4j.env.EnvSpec;
import io.genie4j.env.Tensor;
import io.genie4j.env.registry.EnvOptions;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.spaces.Space;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorReset;
import io.genie4j.env.vector.VectorStep;
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
 * model. Next-step autoreset, world by world: the step after a world's episode ends (its
 * termination head fired, or it reached the time limit) starts that world again from a new prompt
 * and ignores its action, while the others go on ({@link GenieWorld#restart}: the restarted world's
 * past is its prompt held still); when every world ended together, all are reset as by {@code
 * reset}. World i of {@code reset(seed)} starts as a single {@code Genie-v0} reset with {@code seed
 * + i} does.
 */
public final class GenieVectorEnv implements VectorEnv<Tensor, Integer> {

    private final EnvSpec spec;
    private final int n;
    private final Integer limit;
    private final GenieWorld world;
    private final Prompts prompts;
    private final int size;
    private final Discrete actions;
    private final ActionTable table;
    private final EventHeads events;
    private final Box observations;
    private SplittableRandom seeds = new SplittableRandom();
    private boolean[] needsReset;
    private long[] worldSteps;
    private boolean started;
    private List<Tensor> last;

    /** Makes {@code n} worlds from registry options, truncating after {@code limit} steps. */
    public GenieVectorEnv(EnvOptions options, int n, Integer limit) {
        this.spec = options.spec().withMaxEpisodeSteps(limit);
        this.n = n;
        this.limit = limit;
        WorldModel model = GenieEnv.model(options.getString("model"));
        this.world = new GenieWorld(model, n, GenieEnv.sampling(options));
        this.size = model.config().imageSize();
        this.prompts = Prompts.of(options, model);
        this.table = GenieEnv.actionTable(options, model);
        this.events = GenieEnv.events(options, model);
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
                            : prompts.frame(worldSeeds[i]).toByteArray();
            System.arraycopy(f, 0, frames, i * p * frameBytes, p * frameBytes);
        }
        byte[] out = world.reset(frames, p, worldSeeds);
        started = true;
        needsReset = new boolean[n];
        worldSteps = new long[n];
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
        int ended = 0;
        for (boolean b : needsReset) {
            ended += b ? 1 : 0;
        }
        if (ended == n) {
            // Next-step autoreset of every world: this step's actions are ignored.
            long[] s = new long[n];
            for (int i = 0; i < n; i++) {
                s[i] = seeds.nextLong();
            }
            VectorReset<Tensor> r = doReset(s, Map.of());
            return new VectorStep<>(r.observations(), rewards, terminated, truncated, r.infos());
        }
        last = split(world.step(played));
        for (int i = 0; i < n; i++) {
            worldSteps[i]++;
        }
        List<Map<String, Object>> infos = infos();
        readEvents(rewards, terminated, infos);
        if (ended > 0) {
            restartEnded(ended, rewards, terminated, infos);
        }
        for (int i = 0; i < n; i++) {
            boolean restarted = needsReset[i];
            truncated[i] = !restarted && !terminated[i] && limit != null && worldSteps[i] >= limit;
            if (table != null && !restarted) {
                infos.get(i).put("latent_action", played[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            needsReset[i] = terminated[i] || truncated[i];
        }
        return new VectorStep<>(last, rewards, terminated, truncated, infos);
    }

    /**
     * Next-step autoreset of the worlds whose episodes ended last step, while the others go on:
     * they were stepped with the rest (their actions ignored) and now start again from a new
     * prompt, with reward 0, not done, and a reset's info.
     */
    private void restartEnded(
            int ended, double[] rewards, boolean[] terminated, List<Map<String, Object>> infos) {
        int[] which = new int[ended];
        long[] s = new long[ended];
        int fb = size * size * 3;
        byte[] frames = new byte[ended * fb];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (needsReset[i]) {
                which[j] = i;
                s[j] = seeds.nextLong();
                byte[] f = prompts.frame(s[j]).toByteArray();
                System.arraycopy(f, 0, frames, j * fb, fb);
                j++;
            }
        }
        byte[] out = world.restart(which, frames, s);
        for (j = 0; j < ended; j++) {
            int i = which[j];
            byte[] f = new byte[fb];
            System.arraycopy(out, j * fb, f, 0, fb);
            last.set(i, Tensor.uint8(f, size, size, 3));
            rewards[i] = 0;
            terminated[i] = false;
            worldSteps[i] = 0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", 0L);
            m.put("uncertainty", 0.0);
            infos.set(i, m);
        }
    }

    /** Fills rewards and terminations from the event heads. */
    private void readEvents(
            double[] rewards, boolean[] terminated, List<Map<String, Object>> infos) {
        double[][] p = events == null ? null : world.eventProbabilities();
        if (p == null) {
            return;
        }
        for (int i = 0; i < n; i++) {
            rewards[i] = events.rewardFires(p[i][0]) ? events.rewardValue() : 0.0;
            terminated[i] = events.ends(p[i]);
            infos.get(i).put("reward_probability", p[i][0]);
            infos.get(i).put("termination_probability", p[i][1]);
        }
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
            m.put("step", worldSteps[i]);
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
