package io.genie4j.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link CnnPolicy} to predict the labels of {@link LabelledFrames} (behaviour cloning):
 * softmax cross-entropy, AdamW on shuffled minibatches, a validation split by episode, and early
 * stopping that restores the parameters of the epoch with the lowest validation loss. Everything
 * random (the split, the shuffles) comes from the config's seed; seed the engine too for a
 * reproducible initialisation.
 */
public final class SupervisedTrainer {

    /**
     * Training settings.
     *
     * @param batch frames per minibatch
     * @param learningRate AdamW's step size
     * @param weightDecay AdamW's decoupled weight decay
     * @param maxEpochs passes over the training part at most
     * @param patience stop after this many epochs without a lower validation loss
     * @param validationFraction share of episodes held out for validation; 0 trains on all and
     *     keeps the last epoch
     * @param seed seeds the split, the shuffles and the augmentation
     * @param shift random-translation augmentation: each training input is moved by up to this many
     *     pixels in x and y (drawn per input, edge pixels repeated), as in RAD and DrQ; 0 trains on
     *     the frames as they are. Validation always reads them as they are.
     */
    public record Config(
            int batch,
            float learningRate,
            float weightDecay,
            int maxEpochs,
            int patience,
            double validationFraction,
            long seed,
            int shift,
            boolean cosine) {
        /** Checks the settings. */
        public Config {
            if (shift < 0) {
                throw new IllegalArgumentException("shift must be >= 0 pixels, got " + shift);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            }
            if (maxEpochs < 1) {
                throw new IllegalArgumentException("maxEpochs must be >= 1, got " + maxEpochs);
            }
            if (patience < 1) {
                throw new IllegalArgumentException("patience must be >= 1, got " + patience);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException(
                        "learning rate must be > 0, got " + learningRate);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (!(validationFraction >= 0 && validationFraction < 1)) {
                throw new IllegalArgumentException(
                        "validation fraction must be in [0, 1), got " + validationFraction);
            }
        }

        /** Settings without augmentation, with a fixed learning rate. */
        public Config(
                int batch,
                float learningRate,
                float weightDecay,
                int maxEpochs,
                int patience,
                double validationFraction,
                long seed) {
            this(
                    batch,
                    learningRate,
                    weightDecay,
                    maxEpochs,
                    patience,
                    validationFraction,
                    seed,
                    0,
                    false);
        }

        /**
         * Batch 64, fixed learning rate 5e-4, weight decay 1e-4, 30 epochs, patience 3, 10% held
         * out, no augmentation.
         */
        public static Config defaults(long seed) {
            return new Config(64, 5e-4f, 1e-4f, 30, 3, 0.1, seed);
        }

        /** The same settings with another epoch budget. */
        public Config withMaxEpochs(int epochs) {
            return new Config(
                    batch,
                    learningRate,
                    weightDecay,
                    epochs,
                    patience,
                    validationFraction,
                    seed,
                    shift,
                    cosine);
        }

        /** The same settings with another seed. */
        public Config withSeed(long newSeed) {
            return new Config(
                    batch,
                    learningRate,
                    weightDecay,
                    maxEpochs,
                    patience,
                    validationFraction,
                    newSeed,
                    shift,
                    cosine);
        }
    }

    /**
     * One epoch's figures; validation figures are NaN without a validation part.
     *
     * @param epoch 1-based
     */
    public record Epoch(
            int epoch,
            double trainLoss,
            double trainAccuracy,
            double validationLoss,
            double validationAccuracy,
            double seconds) {}

    /**
     * What a run did.
     *
     * @param bestEpoch the epoch whose parameters the policy now holds
     */
    public record Result(
            List<Epoch> epochs,
            int bestEpoch,
            int trainFrames,
            int validationFrames,
            double seconds) {
        /** The kept epoch's figures. */
        public Epoch best() {
            return epochs.get(bestEpoch - 1);
        }

        /** The figures as a JSON-ready map. */
        public Map<String, Object> toMap() {
            Epoch b = best();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs.size());
            m.put("best_epoch", bestEpoch);
            m.put("train_frames", trainFrames);
            m.put("validation_frames", validationFrames);
            m.put("train_accuracy", round(b.trainAccuracy()));
            m.put("validation_accuracy", round(b.validationAccuracy()));
            m.put("validation_loss", round(b.validationLoss()));
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            return m;
        }

        private static Object round(double v) {
            return Double.isNaN(v) ? null : Math.round(v * 10000) / 10000.0;
        }
    }

    /** Told after every epoch; return false to stop. */
    @FunctionalInterface
    public interface Listener {
        boolean onEpoch(Epoch epoch);
    }

    private SupervisedTrainer() {}

    /** Trains {@code policy} in place. */
    public static Result train(CnnPolicy policy, LabelledFrames data, Config config) {
        return train(policy, data, config, e -> true);
    }

    /**
     * Trains {@code policy} in place and leaves it holding the best epoch's parameters.
     *
     * @throws IllegalArgumentException if the data's frame size, frame stack or class count does
     *     not match the policy, or there is nothing to train on
     */
    public static Result train(
            CnnPolicy policy, LabelledFrames data, Config config, Listener listener) {
        checkMatches(policy, data);
        LabelledFrames.Split split = data.split(config.validationFraction(), config.seed());
        if (split.train().length == 0) {
            throw new IllegalArgumentException("no frames to train on (" + data.count() + ")");
        }
        long start = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        DefaultTrainingConfig tc =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.adamW()
                                        .optLearningRateTracker(learningRate(config, split))
                                        .optWeightDecays(config.weightDecay())
                                        .build());
        List<Epoch> epochs = new ArrayList<>();
        boolean validate = split.validation().length > 0;
        float[][] best = null;
        int bestEpoch = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        try (Trainer trainer = policy.model().newTrainer(tc)) {
            int[] order = split.train().clone();
            for (int epoch = 1; epoch <= config.maxEpochs(); epoch++) {
                long t0 = System.nanoTime();
                shuffle(order, rng);
                double[] sums = epoch(trainer, policy, data, config, order, rng, epoch);
                double lossSum = sums[0];
                double correct = sums[1];
                double trainLoss = lossSum / order.length;
                double trainAcc = (double) correct / order.length;
                double[] val =
                        validate
                                ? evaluate(policy, data, split.validation(), config.batch())
                                : new double[] {Double.NaN, Double.NaN};
                Epoch e =
                        new Epoch(
                                epoch,
                                trainLoss,
                                trainAcc,
                                val[0],
                                val[1],
                                (System.nanoTime() - t0) / 1e9);
                epochs.add(e);
                double score = validate ? val[0] : trainLoss;
                if (score < bestLoss || bestEpoch == 0) {
                    bestLoss = score;
                    bestEpoch = epoch;
                    best = validate ? snapshot(policy) : null;
                }
                boolean go = listener.onEpoch(e);
                if (!go || (validate && epoch - bestEpoch >= config.patience())) {
                    break;
                }
            }
        }
        if (best != null && bestEpoch != epochs.size()) {
            restore(policy, best);
        } else if (!validate) {
            bestEpoch = epochs.size();
        }
        return new Result(
                List.copyOf(epochs),
                bestEpoch,
                split.train().length,
                split.validation().length,
                (System.nanoTime() - start) / 1e9);
    }

    /** Whether the data fits the policy: frame size, frame stack and class count. */
    private static void checkMatches(CnnPolicy policy, LabelledFrames data) {
        if (data.frameSize() != policy.frameSize()) {
            throw new IllegalArgumentException(
                    "frames are "
                            + data.frameSize()
                            + " px; the policy reads "
                            + policy.frameSize()
                            + " px");
        }
        if (data.stack() != policy.stack()) {
            throw new IllegalArgumentException(
                    "data entries stack "
                            + data.stack()
                            + " frames; the policy reads "
                            + policy.stack());
        }
        if (data.classes() != policy.outputs()) {
            throw new IllegalArgumentException(
                    "data has "
                            + data.classes()
                            + " classes; the policy outputs "
                            + policy.outputs());
        }
    }

    /**
     * One pass over {@code order} in minibatches: the summed loss and the number of correct
     * predictions; throws naming the epoch and batch on a non-finite loss or gradient.
     */
    private static double[] epoch(
            Trainer trainer,
            CnnPolicy policy,
            LabelledFrames data,
            Config config,
            int[] order,
            SplittableRandom rng,
            int epoch) {
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < order.length; from += config.batch()) {
            int to = Math.min(order.length, from + config.batch());
            try (NDManager m = trainer.getManager().newSubManager()) {
                List<byte[]> frames = new ArrayList<>(to - from);
                int[] y = new int[to - from];
                for (int i = from; i < to; i++) {
                    frames.add(augmented(data.frame(order[i]), data, config, rng));
                    y[i - from] = data.label(order[i]);
                }
                NDArray x = policy.input(m, frames);
                NDArray labels = m.create(y).toType(DataType.INT64, false);
                int batchIndex = from / config.batch() + 1;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray loss =
                            trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                    float value = loss.getFloat();
                    if (!Float.isFinite(value)) {
                        throw nonFinite("loss " + value, epoch, batchIndex, order, from, to);
                    }
                    gc.backward(loss);
                    lossSum += value * (to - from);
                    correct += countCorrect(logits, y);
                }
                String bad = nonFiniteGradient(policy);
                if (bad != null) {
                    throw nonFinite(bad, epoch, batchIndex, order, from, to);
                }
                trainer.step();
            }
        }
        return new double[] {lossSum, correct};
    }

    /**
     * Mean cross-entropy and accuracy of {@code policy} on frames {@code indices} of {@code data}.
     *
     * @return {loss, accuracy}
     */
    public static double[] evaluate(
            CnnPolicy policy, LabelledFrames data, int[] indices, int batch) {
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < indices.length; from += batch) {
            int to = Math.min(indices.length, from + batch);
            try (NDManager m = policy.model().getNDManager().newSubManager()) {
                List<byte[]> frames = new ArrayList<>(to - from);
                int[] y = new int[to - from];
                for (int i = from; i < to; i++) {
                    frames.add(data.frame(indices[i]));
                    y[i - from] = data.label(indices[i]);
                }
                NDArray logits = policy.logits(m, frames);
                NDArray logp = logits.logSoftmax(1);
                NDArray picked =
                        logp.gather(m.create(y).toType(DataType.INT64, false).expandDims(1), 1);
                lossSum -= picked.sum().getFloat();
                correct += countCorrect(logits, y);
            }
        }
        return new double[] {lossSum / indices.length, (double) correct / indices.length};
    }

    /** Fixed, or a cosine from the configured rate to a hundredth of it over all epochs. */
    private static Tracker learningRate(Config config, LabelledFrames.Split split) {
        if (!config.cosine()) {
            return Tracker.fixed(config.learningRate());
        }
        int batches = (split.train().length + config.batch() - 1) / config.batch();
        return Tracker.cosine()
                .setBaseValue(config.learningRate())
                .optFinalValue(config.learningRate() / 100)
                .setMaxUpdates(config.maxEpochs() * batches)
                .build();
    }

    /** {@code input} as it is, or moved by a random translation of up to the config's shift. */
    private static byte[] augmented(
            byte[] input, LabelledFrames data, Config config, SplittableRandom rng) {
        int k = config.shift();
        if (k == 0) {
            return input;
        }
        return shifted(
                input, data.frameSize(), rng.nextInt(2 * k + 1) - k, rng.nextInt(2 * k + 1) - k);
    }

    /**
     * {@code input} (one or more stacked {@code size × size} RGB frames) moved by {@code dx} pixels
     * right and {@code dy} down, every frame of a stack alike; pixels that come in from outside
     * repeat the nearest edge pixel.
     */
    static byte[] shifted(byte[] input, int size, int dx, int dy) {
        byte[] out = new byte[input.length];
        int frame = size * size * 3;
        for (int base = 0; base < input.length; base += frame) {
            for (int y = 0; y < size; y++) {
                int sy = Math.min(size - 1, Math.max(0, y - dy));
                int row = base + y * size * 3;
                int srcRow = base + sy * size * 3;
                for (int x = 0; x < size; x++) {
                    int sx = Math.min(size - 1, Math.max(0, x - dx));
                    int o = row + x * 3;
                    int i = srcRow + sx * 3;
                    out[o] = input[i];
                    out[o + 1] = input[i + 1];
                    out[o + 2] = input[i + 2];
                }
            }
        }
        return out;
    }

    /**
     * The first parameter whose gradient holds a NaN or an infinity, described, or null if every
     * gradient is finite. One reduction over all gradients; the per-parameter search runs only when
     * it finds something.
     */
    private static String nonFiniteGradient(CnnPolicy policy) {
        List<Pair<String, Parameter>> params = new ArrayList<>();
        policy.model().getBlock().getParameters().forEach(params::add);
        // Arrays made from a gradient belong to the model's manager; the scope frees them here so
        // that they do not pile up there batch after batch.
        try (NDScope scope = new NDScope()) {
            NDArray total = null;
            for (Pair<String, Parameter> p : params) {
                NDArray g = p.getValue().getArray().getGradient().abs().sum();
                total = total == null ? g : total.add(g);
            }
            if (total == null || Float.isFinite(total.getFloat())) {
                return null;
            }
            for (Pair<String, Parameter> p : params) {
                float v = p.getValue().getArray().getGradient().abs().sum().getFloat();
                if (!Float.isFinite(v)) {
                    return "gradient of " + p.getKey() + " (sum of magnitudes " + v + ")";
                }
            }
            return "gradient";
        }
    }

    /** The error for a non-finite figure in one training batch, naming the epoch and batch. */
    private static IllegalStateException nonFinite(
            String what, int epoch, int batch, int[] order, int from, int to) {
        StringBuilder frames = new StringBuilder();
        for (int i = from; i < Math.min(to, from + 8); i++) {
            frames.append(i > from ? ", " : "").append(order[i]);
        }
        if (to - from > 8) {
            frames.append(", ...");
        }
        return new IllegalStateException(
                "training stopped: non-finite "
                        + what
                        + " at epoch "
                        + epoch
                        + ", batch "
                        + batch
                        + " (data entries "
                        + frames
                        + "); no update was applied. A non-finite loss from the first batches"
                        + " points at the input or the network, a later one at a learning rate"
                        + " that is too high");
    }

    private static long countCorrect(NDArray logits, int[] y) {
        long[] pred = logits.argMax(1).toLongArray();
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            c += pred[i] == y[i] ? 1 : 0;
        }
        return c;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static float[][] snapshot(CnnPolicy policy) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : policy.model().getBlock().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out.toArray(new float[0][]);
    }

    private static void restore(CnnPolicy policy, float[][] values) {
        int i = 0;
        // Copied in natively: NDArray.set(float[]) would make DJL drop its reference to the Java
        // buffer that a loaded policy's parameter lives in, while the tensor goes on using it.
        try (NDManager tmp = policy.model().getNDManager().newSubManager()) {
            for (Pair<String, Parameter> p : policy.model().getBlock().getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(new NDIndex("..."), tmp.create(values[i++], a.getShape()));
            }
        }
    }
}
