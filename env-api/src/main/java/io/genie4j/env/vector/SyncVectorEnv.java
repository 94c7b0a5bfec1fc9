package io.genie4j.env.vector;

import io.genie4j.env.Env;
import java.util.List;

/**
 * A {@link VectorEnv} that steps its envs one after another in the caller's thread, as Gymnasium's
 * {@code SyncVectorEnv}. It owns the envs and closes them.
 *
 * @param <O> the observation type of one env
 * @param <A> the action type of one env
 */
public final class SyncVectorEnv<O, A> extends AbstractVectorEnv<O, A> {

    /**
     * @param envs envs with equal spaces; the vector env owns them from now on
     */
    public SyncVectorEnv(List<? extends Env<O, A>> envs) {
        super(envs);
    }

    @Override
    protected void forEachEnv(IndexTask task) {
        for (int i = 0; i < envs.size(); i++) {
            task.run(i);
        }
    }
}
