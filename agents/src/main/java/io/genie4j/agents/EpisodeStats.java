package io.genie4j.agents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

/**
 * The episodes of one evaluation and their statistics: success rate with a Wilson score 95%
 * confidence interval (sound near 0% and 100%, unlike the normal approximation), mean return with a
 * Student-t 95% interval, and mean length.
 *
 * @param agent the agent's name
 * @param episodes every finished episode, by slot then index
 * @param steps env steps taken within counted episodes
 * @param seconds wall time of the run
 */
public record EpisodeStats(String agent, List<Episode> episodes, long steps, double seconds) {
    /** The confidence level of every interval here. */
    public static final double CONFIDENCE = 0.95;

    /**
     * One finished episode.
     *
     * @param slot the env slot that played it
     * @param index its position in that slot's sequence
     * @param ret the sum of rewards
     * @param length steps
     * @param success whether it succeeded
     */
    public record Episode(int slot, int index, double ret, int length, boolean success) {}

    /** Freezes the list. */
    public EpisodeStats {
        episodes = List.copyOf(episodes);
    }

    /** The number of episodes. */
    public int count() {
        return episodes.size();
    }

    /** The number of successful episodes. */
    public int successes() {
        return (int) episodes.stream().filter(Episode::success).count();
    }

    /** Successes over episodes. */
    public double successRate() {
        return count() == 0 ? Double.NaN : (double) successes() / count();
    }

    /** The Wilson score interval of the success rate, {lower, upper}. */
    public double[] successInterval() {
        return wilson(count(), successes());
    }

    /** The Wilson score 95% interval for {@code successes} of {@code trials}, {lower, upper}. */
    public static double[] wilson(int trials, int successes) {
        if (trials == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        ConfidenceInterval ci =
                new WilsonScoreInterval().createInterval(trials, successes, CONFIDENCE);
        return new double[] {ci.getLowerBound(), ci.getUpperBound()};
    }

    /** The mean return. */
    public double meanReturn() {
        return returns().getMean();
    }

    /**
     * The Student-t interval of the mean return, {lower, upper}; NaN with fewer than 2 episodes.
     */
    public double[] returnInterval() {
        return meanInterval(returns());
    }

    /** The Student-t 95% interval of a sample's mean, {lower, upper}. */
    public static double[] meanInterval(SummaryStatistics s) {
        if (s.getN() < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double t =
                new TDistribution(s.getN() - 1).inverseCumulativeProbability(0.5 + CONFIDENCE / 2);
        double half = t * s.getStandardDeviation() / Math.sqrt(s.getN());
        return new double[] {s.getMean() - half, s.getMean() + half};
    }

    /** The mean episode length in steps. */
    public double meanLength() {
        return episodes.stream().mapToInt(Episode::length).average().orElse(Double.NaN);
    }

    private SummaryStatistics returns() {
        SummaryStatistics s = new SummaryStatistics();
        for (Episode e : episodes) {
            s.addValue(e.ret());
        }
        return s;
    }

    /** The figures as a JSON-ready map (rounded). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("episodes", count());
        m.put("successes", successes());
        m.put("success_rate", round(successRate(), 4));
        double[] ci = successInterval();
        m.put("success_ci95", List.of(round(ci[0], 4), round(ci[1], 4)));
        m.put("mean_return", round(meanReturn(), 3));
        double[] rci = returnInterval();
        m.put(
                "return_ci95",
                Double.isNaN(rci[0]) ? null : List.of(round(rci[0], 3), round(rci[1], 3)));
        m.put("mean_length", round(meanLength(), 1));
        m.put("steps", steps);
        m.put("seconds", round(seconds, 1));
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
