package io.genie4j.agents;

/**
 * Scales rewards by the running standard deviation of the discounted return, then clips them to
 * ±{@value #CLIP}, as Gymnasium's {@code NormalizeReward} followed by {@code TransformReward(clip)}
 * does in CleanRL's Procgen PPO: CoinRun's reward of 10 reaches the value head at a scale near 1,
 * where the value clip of 0.2 makes sense.
 *
 * <p>The running statistics (count, mean, variance; Chan et al.'s parallel update) go into a
 * checkpoint; the per-env returns do not, as a resumed run starts new episodes.
 */
final class RewardScaler {
    /** Scaled rewards are clipped to this magnitude. */
    static final double CLIP = 10;

    private static final double EPS = 1e-8;

    private final double gamma;
    private final double[] returns;
    private double count = 1e-4; // Gymnasium's RunningMeanStd starts here
    private double mean;
    private double var = 1;

    RewardScaler(int envs, double gamma) {
        this.gamma = gamma;
        this.returns = new double[envs];
    }

    /**
     * Folds one step's rewards into the statistics and returns them scaled.
     *
     * @param rewards one per env
     * @param counted whether each env's step belongs to an episode (false for an autoreset step)
     * @param ended whether each env's episode ended on this step
     */
    float[] scale(double[] rewards, boolean[] counted, boolean[] ended) {
        int n = rewards.length;
        double bSum = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (counted[i]) {
                returns[i] = returns[i] * gamma + rewards[i];
                bSum += returns[i];
                b++;
            }
        }
        if (b > 0) {
            double bMean = bSum / b;
            double bVar = 0;
            for (int i = 0; i < n; i++) {
                if (counted[i]) {
                    bVar += (returns[i] - bMean) * (returns[i] - bMean);
                }
            }
            bVar /= b;
            double delta = bMean - mean;
            double total = count + b;
            double m2 = var * count + bVar * b + delta * delta * count * b / total;
            mean += delta * b / total;
            var = m2 / total;
            count = total;
        }
        float[] out = new float[n];
        double std = Math.sqrt(var + EPS);
        for (int i = 0; i < n; i++) {
            out[i] = counted[i] ? (float) Math.max(-CLIP, Math.min(CLIP, rewards[i] / std)) : 0f;
            if (ended[i]) {
                returns[i] = 0;
            }
        }
        return out;
    }

    /** The statistics, for a checkpoint: {count, mean, variance}. */
    double[] state() {
        return new double[] {count, mean, var};
    }

    /** Restores {@link #state()}. */
    void restore(double[] state) {
        count = state[0];
        mean = state[1];
        var = state[2];
    }
}
