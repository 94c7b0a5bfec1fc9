package io.genie4j.genie.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EpisodeBootstrapTest {

    @Test
    void intervalsCoverTheMeanAndWidenWhenItemsClusterInEpisodes() {
        Random rng = new Random(5);
        int episodes = 50;
        int perEpisode = 10;
        double[] clustered = new double[episodes * perEpisode];
        double[] independent = new double[episodes * perEpisode];
        int[] episodeOf = new int[episodes * perEpisode];
        for (int e = 0; e < episodes; e++) {
            double shared = rng.nextGaussian();
            for (int i = 0; i < perEpisode; i++) {
                int k = e * perEpisode + i;
                episodeOf[k] = e;
                clustered[k] = shared;
                independent[k] = rng.nextGaussian();
            }
        }
        EpisodeBootstrap boot = new EpisodeBootstrap(episodeOf, 1000, 1);
        double[] a = boot.ci95(clustered);
        double[] b = boot.ci95(independent);
        double ma = EpisodeBootstrap.mean(clustered);
        assertTrue(a[0] < ma && ma < a[1], ma + " outside " + a[0] + ".." + a[1]);
        // One value per episode: the interval is that of 50 draws (±1.96/√50 ≈ ±0.28), not of
        // 500 (±0.09).
        assertTrue(a[1] - a[0] > 0.4 && a[1] - a[0] < 0.8, "width " + (a[1] - a[0]));
        assertTrue(b[1] - b[0] < 0.3, "width " + (b[1] - b[0]));
        assertEquals(2, new EpisodeBootstrap(episodeOf, 10, 2).ci95(clustered).length);
        assertThrows(IllegalArgumentException.class, () -> boot.ci95(new double[3]));
    }
}
