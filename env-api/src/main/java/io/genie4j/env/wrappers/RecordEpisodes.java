package io.genie4j.env.wrappers;

import io.genie4j.env.Env;
import io.genie4j.env.Reset;
import io.genie4j.env.Step;
import io.genie4j.env.Tensor;
import io.genie4j.env.episodes.EpisodeDataset;
import io.genie4j.env.episodes.EpisodeWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records every episode of an env with image observations into an {@link EpisodeDataset}: one
 * {@code .npz} per episode, named {@code <prefix>_<n>.npz}. An episode is written when it
 * terminates or is truncated; one cut short by a reset or {@link #close()} is written too, with
 * {@code "complete": false} in its metadata. Observations must be uint8 {@code [H, W, 3]}.
 *
 * <p>The reset seed recorded is the one passed to {@code reset}, or -1 when none was given.
 *
 * @param <A> the action type
 */
public final class RecordEpisodes<A> extends Wrapper<Tensor, A> {
    private final EpisodeDataset dataset;
    private final String prefix;
    private final Map<String, Object> metadata;
    private int index;
    private EpisodeWriter writer;

    /**
     * @param env the env to record
     * @param dataset where episodes go; the wrapper does not close it
     * @param prefix file name prefix
     * @param metadata stored with each episode (the env's options are added)
     */
    public RecordEpisodes(
            Env<Tensor, A> env,
            EpisodeDataset dataset,
            String prefix,
            Map<String, Object> metadata) {
        super(env);
        this.dataset = dataset;
        this.prefix = prefix;
        this.metadata = new LinkedHashMap<>(metadata);
        this.metadata.putIfAbsent("env_options", env.spec().options());
        while (dataset.contains(fileName(index))) {
            index++;
        }
    }

    private String fileName(int i) {
        return String.format("%s_%06d.npz", prefix, i);
    }

    /** Number of episodes written so far by this wrapper. */
    public int episodesWritten() {
        return index;
    }

    @Override
    public Reset<Tensor> reset(Long seed, Map<String, Object> options) {
        finishCurrent(false);
        Reset<Tensor> r = env.reset(seed, options);
        try {
            writer = dataset.newEpisode(fileName(index), seed == null ? -1 : seed, metadata);
            writer.reset(r.observation());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    @Override
    public Step<Tensor> step(A action) {
        Step<Tensor> s = env.step(action);
        if (writer != null) {
            try {
                writer.step(action, s.observation(), s.reward(), s.terminated(), s.truncated());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (s.done()) {
                finishCurrent(true);
            }
        }
        return s;
    }

    private void finishCurrent(boolean complete) {
        if (writer == null) {
            return;
        }
        EpisodeWriter w = writer;
        writer = null;
        try {
            if (!complete && w.frameCount() <= 1) {
                w.close(); // reset twice in a row: nothing happened worth keeping
                return;
            }
            w.putMetadata("complete", complete);
            w.finish();
            index++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            finishCurrent(false);
        } finally {
            super.close();
        }
    }
}
