package io.genie4j.coinrun;

import org.apache.commons.math3.random.MersenneTwister;

/**
 * The random generator of OpenAI Procgen ({@code RandGen} in {@code procgen/src/randgen.cpp}, MIT
 * licence): a 32-bit Mersenne Twister, {@code std::mt19937}, whose outputs commons-math3's {@link
 * MersenneTwister} reproduces exactly, with Procgen's derived draws. Reproducing Procgen's levels
 * needs the same outputs consumed in the same order, so every draw here mirrors its C++ twin,
 * including unsigned arithmetic and the double-to-float rounding of {@link #rand01()}.
 */
public final class ProcgenRandom {
    private static final double TWO_POW_32 = 4294967296.0;
    private final MersenneTwister mt;

    /**
     * Seeds the generator as {@code std::mt19937::seed(seed)} does (the seed taken as unsigned).
     */
    public ProcgenRandom(int seed) {
        this.mt = new MersenneTwister(seed);
    }

    /** The next raw 32-bit output, unsigned, in {@code [0, 2^32)}. */
    public long nextUInt() {
        return mt.nextInt() & 0xFFFFFFFFL;
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

    /** {@code randbool()}: {@code rand01() > 0.5}. */
    public boolean randbool() {
        return rand01() > .5;
    }
}
