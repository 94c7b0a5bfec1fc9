package io.genie4j.agents;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.genie4j.env.DType;
import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.vector.VectorEnv;
import io.genie4j.env.vector.VectorStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) over any {@link VectorEnv} with a {@link
 * Discrete} action space and uint8 RGB square-image observations, read top to bottom as CleanRL's
 * {@code ppo_procgen.py}: collect a rollout, compute GAE(λ) advantages, then take a few epochs of
 * minibatch steps on the clipped surrogate, the clipped value loss and the entropy bonus, with
 * Adam, an optional linear learning-rate decay and gradient-norm clipping. Defaults and their
 * sources are in {@link PpoConfig}.
 *
 * <p>A run lives in a directory ({@link PpoRun}): a checkpoint every {@link
 * PpoConfig#checkpointEvery()} updates and at the end holds the network, Adam's moments and the
 * reward scaler's statistics, so {@code resume} continues with the same optimiser and step count.
 * The envs themselves cannot be saved: a resumed run starts new episodes (reset with a seed drawn
 * from the run's seed and update), so it is reproducible but not the run that was never stopped.
 *
 * <p>Everything random comes from the config's seed: the network's initialisation (through the
 * engine's generator), the envs' reset seeds, action sampling and minibatch shuffles.
 */
public final class PpoTrainer {

    /** Told about progress; may ask the run to stop after its next checkpoint. */
    public interface Listener {
        /** The run starts at {@code step} of {@code total} env steps. */
        default void onStart(long step, long total) {}

        /** An update finished. */
        default void onUpdate(Update update) {}

        /** Whether to stop (after writing a checkpoint). */
        default boolean stopRequested() {
            return false;
        }
    }

    /**
     * The figures of one update (losses averaged over its minibatches; episode figures over the
     * episodes that ended in its rollout, NaN if none did).
     */
    public record Update(
            int update,
            long step,
            double seconds,
            double stepsPerSecond,
            double learningRate,
            int episodes,
            double meanReturn,
            double successRate,
            double meanLength,
            double returnLast100,
            double successLast100,
            double policyLoss,
            double valueLoss,
            double entropy,
            double approxKl,
            double clipFraction,
            double explainedVariance,
            double gradNorm) {
        /**
         * An update's figures: episodes that ended in it ({@code finished}) and the last hundred
         * (rows of return, success, length), the optimiser's means (policy loss, value loss,
         * entropy, approximate KL, clip fraction, gradient norm).
         */
        static Update of(
                int update,
                long step,
                double seconds,
                double stepsPerSecond,
                double learningRate,
                List<double[]> finished,
                Iterable<double[]> last100,
                double[] means,
                double explainedVariance) {
            return new Update(
                    update,
                    step,
                    seconds,
                    stepsPerSecond,
                    learningRate,
                    finished.size(),
                    mean(finished, 0),
                    mean(finished, 1),
                    mean(finished, 2),
                    mean(last100, 0),
                    mean(last100, 1),
                    means[0],
                    means[1],
                    means[2],
                    means[3],
                    means[4],
                    explainedVariance,
                    means[5]);
        }

        double[] row() {
            return new double[] {
                update,
                step,
                seconds,
                stepsPerSecond,
                learningRate,
                episodes,
                meanReturn,
                successRate,
                meanLength,
                returnLast100,
                successLast100,
                policyLoss,
                valueLoss,
                entropy,
                approxKl,
                clipFraction,
                explainedVariance,
                gradNorm
            };
        }
    }

    /**
     * What a call did.
     *
     * @param out the run directory
     * @param updates updates done in all
     * @param steps env steps done in all
     * @param seconds training seconds in all
     * @param sessionStepsPerSecond env steps per second in this call (rollouts and updates)
     * @param episodes episodes finished in all
     * @param returnLast100 mean return of the last 100 episodes of this call (NaN if none)
     * @param successLast100 success rate of the same episodes
     * @param finished whether the run reached its step budget
     */
    public record Result(
            Path out,
            int updates,
            long steps,
            double seconds,
            double sessionStepsPerSecond,
            long episodes,
            double returnLast100,
            double successLast100,
            boolean finished) {
        /** The figures as a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toAbsolutePath().toString());
            m.put("updates", updates);
            m.put("steps", steps);
            m.put("seconds", round(seconds, 1));
            m.put("steps_per_s", round(sessionStepsPerSecond, 1));
            m.put("episodes", episodes);
            m.put("return_last100", Double.isNaN(returnLast100) ? null : round(returnLast100, 3));
            m.put(
                    "success_last100",
                    Double.isNaN(successLast100) ? null : round(successLast100, 4));
            m.put("finished", finished);
            return m;
        }
    }

    private PpoTrainer() {}

    /**
     * The action count of {@code env}'s Discrete action space and the side of its square uint8 RGB
     * observations.
     *
     * @throws IllegalArgumentException naming what PPO cannot train on
     */
    static int[] check(VectorEnv<?, ?> env, PpoConfig config) {
        if (!(env.singleActionSpace() instanceof Discrete d)) {
            throw new IllegalArgumentException(
                    "PPO needs a Discrete action space; "
                            + env.spec().id()
                            + " has "
                            + env.singleActionSpace());
        }
        int[] shape = env.singleObservationSpace() instanceof Box b ? b.shape() : null;
        if (shape == null
                || ((Box) env.singleObservationSpace()).dtype() != DType.UINT8
                || shape.length != 3
                || shape[2] != 3
                || shape[0] != shape[1]) {
            throw new IllegalArgumentException(
                    "PPO reads square uint8 RGB images [S, S, 3]; "
                            + env.spec().id()
                            + " observes "
                            + env.singleObservationSpace());
        }
        if (shape[0] % config.downsample() != 0 || shape[0] / config.downsample() < 4) {
            throw new IllegalArgumentException(
                    "downsample "
                            + config.downsample()
                            + " does not divide the "
                            + shape[0]
                            + " px frames into a side of at least 4");
        }
        int batch = env.numEnvs() * config.rolloutSteps();
        if (batch < config.minibatches()) {
            throw new IllegalArgumentException(
                    "a rollout of "
                            + env.numEnvs()
                            + " envs x "
                            + config.rolloutSteps()
                            + " steps cannot fill "
                            + config.minibatches()
                            + " minibatches");
        }
        return new int[] {d.n(), d.start(), shape[0]};
    }

    /**
     * Trains in {@code env} into {@code out}, or with {@code resume} continues the run there.
     *
     * @param envId the env's registry id and {@code envOptions} its options, recorded in the run (a
     *     resumed run must name the same id and number of envs)
     * @param config the settings; when resuming, the run's own with at most another step budget
     * @throws IllegalArgumentException for an env PPO cannot train in, a directory that already
     *     holds a run (without {@code resume}) or none (with it), or a run that does not match
     * @throws IllegalStateException on a non-finite loss or gradient
     */
    @SuppressWarnings("unchecked")
    public static Result train(
            VectorEnv<?, ?> rawEnv,
            String envId,
            Map<String, Object> envOptions,
            Path out,
            PpoConfig config,
            boolean resume,
            Listener listener)
            throws IOException {
        int[] shape = check(rawEnv, config);
        int actions = shape[0];
        int actionStart = shape[1];
        int frameSize = shape[2];
        VectorEnv<Tensor, Integer> env = (VectorEnv<Tensor, Integer>) rawEnv;
        int n = env.numEnvs();
        PpoRun start = resume ? resumable(out, envId, n, config) : fresh(out);
        long batch = (long) n * config.rolloutSteps();
        int totalUpdates = (int) Math.min(Integer.MAX_VALUE, (config.steps() + batch - 1) / batch);
        Progress p = new Progress(start);
        Files.createDirectories(out);

        if (start == null) {
            Engine.getInstance().setRandomSeed((int) config.seed());
        }
        try (ActorCritic ac = network(start, out, config, actions, frameSize);
                Adam adam = new Adam(ac.net().model().getNDManager(), ac.parameters(), 1e-5f)) {
            RewardScaler scaler = new RewardScaler(n, config.gamma());
            if (start != null) {
                Path opt = out.resolve(PpoRun.OPTIMIZER);
                adam.decode(Files.readAllBytes(opt), opt.toString());
                scaler.restore(start.rewardStats());
            }
            PpoLog log = new PpoLog(out, p.update);
            SplittableRandom rng =
                    new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + p.update);
            listener.onStart(p.step, (long) totalUpdates * batch);

            // --- Start episodes: a resumed run draws new reset seeds from its update count ---
            Playing play =
                    new Playing(
                            env.reset(config.seed() + 1_000_003L * p.update, Map.of())
                                    .observations());
            Rollout r = new Rollout(config.rolloutSteps(), n);
            boolean stopped = false;
            while (p.update < totalUpdates && !stopped) {
                long u0 = System.nanoTime();
                double lr =
                        config.annealLr()
                                ? config.learningRate() * (1.0 - (double) p.update / totalUpdates)
                                : config.learningRate();

                // --- Collect a rollout ---
                List<double[]> finished =
                        play.collect(env, ac, rng, r, scaler, config, actionStart);
                r.computeAdvantages(
                        ac.values(inputs(play.obs)), config.gamma(), config.gaeLambda());

                // --- Optimise the surrogate: epochs of shuffled minibatches ---
                double[] means = optimise(ac, adam, r, config, (float) lr, rng, p.update);

                // --- Log, report, checkpoint ---
                p.advance(batch, finished);
                double seconds = p.seconds();
                Update u =
                        Update.of(
                                p.update,
                                p.step,
                                seconds,
                                batch / ((System.nanoTime() - u0) / 1e9),
                                lr,
                                finished,
                                p.last100,
                                means,
                                r.explainedVariance());
                log.add(u.row());
                log.writeCsv();
                listener.onUpdate(u);
                stopped = listener.stopRequested();
                if (p.update % config.checkpointEvery() == 0
                        || p.update == totalUpdates
                        || stopped) {
                    PpoRun run =
                            new PpoRun(
                                    envId,
                                    envOptions,
                                    n,
                                    config,
                                    p.update,
                                    p.step,
                                    seconds,
                                    p.episodes,
                                    scaler.state());
                    checkpoint(out, ac, adam, run, log);
                }
            }
            return p.result(out, totalUpdates);
        }
    }

    /** A new network (seeded by the caller) or a stopped run's, ready to train. */
    private static ActorCritic network(
            PpoRun start, Path out, PpoConfig config, int actions, int frameSize)
            throws IOException {
        ActorCritic ac =
                start == null
                        ? ActorCritic.create(config, actions, frameSize)
                        : ActorCritic.load(out.resolve(PpoRun.NETWORK), actions, frameSize);
        for (Parameter param : ac.parameters().values()) {
            param.getArray().setRequiresGradient(true);
        }
        return ac;
    }

    /**
     * A run's counts across calls (updates, env steps, seconds, episodes), the last hundred
     * episodes and this call's own steps and clock.
     */
    private static final class Progress {
        int update;
        long step;
        long episodes;
        final double secondsBefore;
        final ArrayDeque<double[]> last100 = new ArrayDeque<>();
        final long t0 = System.nanoTime();
        long sessionSteps;

        Progress(PpoRun start) {
            update = start == null ? 0 : start.update();
            step = start == null ? 0 : start.step();
            secondsBefore = start == null ? 0 : start.seconds();
            episodes = start == null ? 0 : start.episodes();
        }

        /** Training seconds in all, this call's included. */
        double seconds() {
            return secondsBefore + (System.nanoTime() - t0) / 1e9;
        }

        /** Counts an update of {@code batch} steps in which {@code finished} episodes ended. */
        void advance(long batch, List<double[]> finished) {
            update++;
            step += batch;
            sessionSteps += batch;
            episodes += finished.size();
            for (double[] e : finished) {
                last100.addLast(e);
                if (last100.size() > 100) {
                    last100.removeFirst();
                }
            }
        }

        Result result(Path out, int totalUpdates) {
            double session = (System.nanoTime() - t0) / 1e9;
            return new Result(
                    out,
                    update,
                    step,
                    secondsBefore + session,
                    session > 0 ? sessionSteps / session : 0,
                    episodes,
                    mean(last100, 0),
                    mean(last100, 1),
                    update >= totalUpdates);
        }
    }

    /** The byte frames of observations. */
    private static List<byte[]> inputs(List<Tensor> obs) {
        List<byte[]> out = new ArrayList<>(obs.size());
        for (Tensor o : obs) {
            out.add(o.toByteArray());
        }
        return out;
    }

    /**
     * The episodes under way in each env: the current observations, which envs are resetting (the
     * step after an episode's end belongs to no episode), and each episode's return and length.
     */
    private static final class Playing {
        List<Tensor> obs;
        final boolean[] resetting;
        final double[] epReturn;
        final int[] epLength;

        Playing(List<Tensor> obs) {
            this.obs = obs;
            int n = obs.size();
            resetting = new boolean[n];
            epReturn = new double[n];
            epLength = new int[n];
        }

        /**
         * Plays one rollout of {@code r}'s length into {@code r}; returns the episodes that ended
         * in it, each {return, success, length}.
         */
        List<double[]> collect(
                VectorEnv<Tensor, Integer> env,
                ActorCritic ac,
                SplittableRandom rng,
                Rollout r,
                RewardScaler scaler,
                PpoConfig config,
                int actionStart) {
            int n = obs.size();
            int[] a = new int[n];
            float[] logp = new float[n];
            float[] v = new float[n];
            List<double[]> finished = new ArrayList<>();
            for (int s = 0; s < config.rolloutSteps(); s++) {
                List<byte[]> in = inputs(obs);
                ac.act(in, rng, a, logp, v);
                List<Integer> envActions = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    envActions.add(actionStart + a[i]);
                }
                VectorStep<Tensor> st = env.step(envActions);
                boolean[] counted = new boolean[n];
                boolean[] ended = new boolean[n];
                for (int i = 0; i < n; i++) {
                    counted[i] = !resetting[i];
                    ended[i] = counted[i] && (st.terminated()[i] || st.truncated()[i]);
                }
                float[] rewards = scaledRewards(st.rewards(), counted, ended, scaler, config);
                for (int i = 0; i < n; i++) {
                    int j = s * n + i;
                    r.inputs[j] = in.get(i);
                    r.actions[j] = a[i];
                    r.logProbs[j] = logp[i];
                    r.values[j] = v[i];
                    r.valid[j] = counted[i];
                    r.rewards[j] = rewards[i];
                    r.terminated[j] = counted[i] && st.terminated()[i];
                    r.ended[j] = ended[i];
                    if (counted[i]) {
                        epReturn[i] += st.rewards()[i];
                        epLength[i]++;
                    }
                    if (ended[i]) {
                        boolean success =
                                EpisodeRunner.defaultSuccess(
                                        st.infos().get(i), st.terminated()[i], st.rewards()[i]);
                        finished.add(new double[] {epReturn[i], success ? 1 : 0, epLength[i]});
                        epReturn[i] = 0;
                        epLength[i] = 0;
                    }
                    resetting[i] = ended[i];
                }
                obs = st.observations();
            }
            return finished;
        }
    }

    /**
     * Epochs of shuffled minibatches over a rollout's valid steps; returns the means of {policy
     * loss, value loss, entropy, approx KL, clip fraction, gradient norm}.
     *
     * @throws IllegalStateException on a non-finite loss or gradient (no update is applied)
     */
    private static double[] optimise(
            ActorCritic ac,
            Adam adam,
            Rollout r,
            PpoConfig config,
            float lr,
            SplittableRandom rng,
            int update) {
        double[] sums = new double[6];
        int count = 0;
        int[] idx = r.validIndices();
        int mb = Math.max(1, (idx.length + config.minibatches() - 1) / config.minibatches());
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(idx, rng);
            for (int from = 0; from < idx.length; from += mb) {
                int[] part = Arrays.copyOfRange(idx, from, Math.min(idx.length, from + mb));
                double[] f = minibatch(ac, adam, r, part, config, lr);
                if (!Double.isFinite(f[0] + f[1] + f[5])) {
                    throw new IllegalStateException(
                            "PPO stopped: non-finite loss or gradient at update "
                                    + (update + 1)
                                    + ", epoch "
                                    + (epoch + 1)
                                    + " (policy loss "
                                    + f[0]
                                    + ", value loss "
                                    + f[1]
                                    + ", gradient norm "
                                    + f[5]
                                    + "); no update was applied. Lower learning_rate");
                }
                for (int k = 0; k < sums.length; k++) {
                    sums[k] += f[k];
                }
                count++;
            }
        }
        for (int k = 0; k < sums.length; k++) {
            sums[k] /= count;
        }
        return sums;
    }

    /**
     * One minibatch step: the clipped surrogate, the (clipped) value loss and the entropy bonus,
     * then Adam.
     *
     * @return {policy loss, value loss, entropy, approx KL, clip fraction, gradient norm}
     */
    private static double[] minibatch(
            ActorCritic ac, Adam adam, Rollout r, int[] part, PpoConfig c, float lr) {
        int b = part.length;
        List<byte[]> inputs = new ArrayList<>(b);
        long[] act = new long[b];
        float[] oldLogp = new float[b];
        float[] adv = new float[b];
        float[] ret = new float[b];
        float[] oldV = new float[b];
        for (int k = 0; k < b; k++) {
            int j = part[k];
            inputs.add(r.inputs[j]);
            act[k] = r.actions[j];
            oldLogp[k] = r.logProbs[j];
            adv[k] = r.advantages[j];
            ret[k] = r.returns[j];
            oldV[k] = r.values[j];
        }
        if (c.normAdvantages()) {
            normalise(adv);
        }
        float eps = (float) c.clipCoef();
        double[] f = new double[6];
        try (NDManager m = ac.net().model().getNDManager().newSubManager()) {
            NDArray actions = m.create(act).expandDims(1); // [B, 1]
            NDArray oldLogProbs = m.create(oldLogp);
            NDArray advantages = m.create(adv);
            NDArray returns = m.create(ret);
            NDArray oldValues = m.create(oldV);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = ac.forward(m, inputs, true);
                NDArray logProbs = out.get(0).logSoftmax(1); // [B, A]
                NDArray value = out.get(1); // [B]
                NDArray newLogp = logProbs.gather(actions, 1).squeeze(1);
                NDArray entropy = logProbs.exp().mul(logProbs).sum(new int[] {1}).neg();
                NDArray logRatio = newLogp.sub(oldLogProbs);
                NDArray ratio = logRatio.exp();
                // --- Clipped surrogate ---
                NDArray pg1 = advantages.neg().mul(ratio);
                NDArray pg2 = advantages.neg().mul(ratio.clip(1 - eps, 1 + eps));
                NDArray pgLoss = pg1.maximum(pg2).mean();
                // --- Value loss, clipped around the rollout's values as CleanRL does ---
                NDArray vLoss = value.sub(returns).square();
                if (c.clipValueLoss()) {
                    NDArray clipped = oldValues.add(value.sub(oldValues).clip(-eps, eps));
                    vLoss = vLoss.maximum(clipped.sub(returns).square());
                }
                vLoss = vLoss.mean().mul(0.5f);
                NDArray ent = entropy.mean();
                NDArray loss =
                        pgLoss.sub(ent.mul((float) c.entCoef())).add(vLoss.mul((float) c.vfCoef()));
                gc.backward(loss);
                f[0] = pgLoss.getFloat();
                f[1] = vLoss.getFloat();
                f[2] = ent.getFloat();
                // approx KL (http://joschu.net/blog/kl-approx.html) and the clipped share
                f[3] = ratio.sub(1).sub(logRatio).mean().getFloat();
                f[4] = ratio.sub(1).abs().gt(eps).toType(DataType.FLOAT32, false).mean().getFloat();
            }
            if (Double.isFinite(f[0] + f[1])) {
                f[5] = adam.step(lr, (float) c.maxGradNorm());
            }
        }
        return f;
    }

    /** Rewards as the value learns them: scaled by the running return deviation, or as they are. */
    private static float[] scaledRewards(
            double[] rewards,
            boolean[] counted,
            boolean[] ended,
            RewardScaler scaler,
            PpoConfig config) {
        if (config.normalizeRewards()) {
            return scaler.scale(rewards, counted, ended);
        }
        float[] out = new float[rewards.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = counted[i] ? (float) rewards[i] : 0f;
        }
        return out;
    }

    /**
     * In place: zero mean, unit (sample) deviation, as CleanRL's {@code (a - mean) / (std + 1e-8)}.
     */
    static void normalise(float[] a) {
        double mean = 0;
        for (float x : a) {
            mean += x;
        }
        mean /= a.length;
        double ss = 0;
        for (float x : a) {
            ss += (x - mean) * (x - mean);
        }
        double std = a.length > 1 ? Math.sqrt(ss / (a.length - 1)) : 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((a[i] - mean) / (std + 1e-8));
        }
    }

    private static PpoRun fresh(Path out) {
        if (PpoRun.exists(out)) {
            throw new IllegalArgumentException(
                    out
                            + " already holds a PPO run; continue it with --resume or choose"
                            + " another --out");
        }
        return null;
    }

    private static PpoRun resumable(Path out, String envId, int numEnvs, PpoConfig config)
            throws IOException {
        PpoRun run = PpoRun.read(out);
        if (!run.envId().equals(envId) || run.numEnvs() != numEnvs) {
            throw new IllegalArgumentException(
                    "the run in "
                            + out
                            + " trains in "
                            + run.numEnvs()
                            + " x "
                            + run.envId()
                            + ", not "
                            + numEnvs
                            + " x "
                            + envId);
        }
        if (!run.config().withSteps(config.steps()).equals(config)) {
            throw new IllegalArgumentException(
                    "a resumed run keeps its settings (only steps may change); the run in "
                            + out
                            + " has "
                            + run.config().toMap());
        }
        for (String f : List.of(PpoRun.NETWORK, PpoRun.OPTIMIZER)) {
            if (!Files.isRegularFile(out.resolve(f))) {
                throw new IllegalArgumentException(
                        "the run in " + out + " has no " + f + " to resume from");
            }
        }
        return run;
    }

    /** Writes the network, the exported policy, the optimiser, the run's state and the plot. */
    private static void checkpoint(Path out, ActorCritic ac, Adam adam, PpoRun run, PpoLog log)
            throws IOException {
        ac.save(out.resolve(PpoRun.NETWORK));
        ac.exportActor(out.resolve(PpoRun.POLICY));
        io.genie4j.env.AtomicFiles.write(
                out.resolve(PpoRun.OPTIMIZER), o -> o.write(adam.encode()));
        run.write(out);
        log.writePlot();
    }

    private static double mean(Iterable<double[]> rows, int column) {
        double s = 0;
        int k = 0;
        for (double[] row : rows) {
            s += row[column];
            k++;
        }
        return k == 0 ? Double.NaN : s / k;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
