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
import io.genie4j.genie.world.GenieWorld;
import io.genie4j.genie.world.WorldModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * N {@code Genie-v0} worlds as one {@link VectorEnv} whose step is one batched forward of the world
 * model. Episodes end only by the time limit, which all worlds reach together, so they are reset
 * together (next-step autoreset: the step after the truncation resets every world and ignores its
 * actions). World i of {@code reset(seed)} starts as a single {@code Genie-v0} reset with {@code
 * seed + i} does.
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
        this.actions = new Discrete(model.config().actions());
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
                            : GenieEnv.promptFrame(image, prompt, worldSeeds[i], size)
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
        last = split(world.step(a));
        boolean end = limit != null && world.steps() >= limit;
        java.util.Arrays.fill(truncated, end);
        needsReset = end;
        return new VectorStep<>(last, rewards, terminated, truncated, infos());
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
