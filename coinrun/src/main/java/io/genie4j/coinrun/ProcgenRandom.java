package io.genie4j.coinrun;

/**
 * The random generator of OpenAI Procgen ({@code RandGen} in {@code procgen/src/randgen.cpp}, MIT
 * licence): a 32-bit Mersenne Twister, {@code std::mt19937}, with Procgen's derived draws.
 * Reproducing Procgen's levels needs the same outputs consumed in the same order, so every draw
 * mirrors its C++ twin, including unsigned arithmetic and the double-to-float rounding of {@link
 * #rand01()}.
 *
 * <p>The twister is written out here rather than taken from commons-math3's {@code MersenneTwister}
 * for two reasons: commons-math3 sign-extends a negative seed, so its outputs differ from {@code
 * std::mt19937}'s for negative seeds, which Procgen uses (it seeds each game's level-seed generator
 * with a signed {@code randint()}); and planners clone game states thousands of times per step, so
 * the generator's state must be cheap to copy ({@link #copy()}). Tests pin the outputs to {@code
 * std::mt19937}'s and, for non-negative seeds, to commons-math3's.
 */
public final class ProcgenRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final double TWO_POW_32 = 4294967296.0;
    private final int[] mt;
    private int index;

    /**
     * Seeds the generator as {@code std::mt19937::seed(seed)} does (the seed taken as unsigned).
     */
    public ProcgenRandom(int seed) {
        mt = new int[N];
        mt[0] = seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private ProcgenRandom(ProcgenRandom other) {
        mt = other.mt.clone();
        index = other.index;
    }

    /** An independent generator in the same state. */
    public ProcgenRandom copy() {
        return new ProcgenRandom(this);
    }

    /** The next raw 32-bit output, unsigned, in {@code [0, 2^32)}. */
    public long nextUInt() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        // Tempering.
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int next = mt[(i + M) % N] ^ (y >>> 1);
            mt[i] = (y & 1) != 0 ? next ^ 0x9908b0df : next;
        }
        index = 0;
    }

    /** {@code randint()}: one output as a signed 32-bit int, as Procgen's {@code int} return. */
    public int randint() {
        return (int) nextUInt();
    }

    /** {@code randn(n)}: one output modulo {@code n}, for {@code n >= 1}. */
    public int randn(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("randn needs n >= 1, got " + n);
        }
        return (int) (nextUInt() % n);
    }

    /**
     * {@code randint(low, high)}: {@code low + output % (high - low)}, the range taken as unsigned.
     */
    public int randint(int low, int high) {
        long range = (high - low) & 0xFFFFFFFFL;
        return low + (int) (nextUInt() % range);
    }

    /** {@code rand01()}: the output divided by 2^32 in double precision, then rounded to float. */
    public float rand01() {
        return (float) (nextUInt() / TWO_POW_32);
    }
}
