package io.genie4j.agents;

import io.genie4j.env.Tensor;
import io.genie4j.env.spaces.Box;
import io.genie4j.env.spaces.Discrete;
import io.genie4j.env.vector.VectorEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Scores a trained {@link CnnPolicy} (a PPO run's exported actor, or any policy file whose outputs
 * are the env's actions) over a fixed number of episodes with {@link EpisodeRunner}, and checks
 * first that the policy fits the env.
 */
public final class PolicyEval {
    private PolicyEval() {}

    /**
     * The policy file that {@code path} names: the file itself, or a PPO run directory's {@value
     * PpoRun#POLICY}.
     *
     * @throws IllegalArgumentException if there is no such file
     */
    public static Path policyFile(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(PpoRun.POLICY) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "no policy at "
                            + file
                            + ": give a PPO run directory (holding "
                            + PpoRun.POLICY
                            + ") or a policy file");
        }
        return file;
    }

    /**
     * Plays {@code episodes} episodes and returns their statistics.
     *
     * @param policy the policy; not closed here
     * @param greedy take the most likely action rather than sampling from the policy
     * @param seed seeds the env resets and the agent's sampling
     * @throws IllegalArgumentException if the policy's outputs or frame size do not match the env
     */
    @SuppressWarnings("unchecked")
    public static EpisodeStats evaluate(
            CnnPolicy policy,
            VectorEnv<?, ?> env,
            int episodes,
            long seed,
            boolean greedy,
            EpisodeRunner.Progress progress) {
        if (!(env.singleActionSpace() instanceof Discrete d) || d.start() != 0) {
            throw new IllegalArgumentException(
                    "a CNN policy plays a Discrete action space starting at 0; "
                            + env.spec().id()
                            + " has "
                            + env.singleActionSpace());
        }
        if (d.n() != policy.outputs()) {
            throw new IllegalArgumentException(
                    "the policy has "
                            + policy.outputs()
                            + " actions; "
                            + env.spec().id()
                            + " has "
                            + d);
        }
        int[] shape =
                env.singleObservationSpace() instanceof Box b ? b.shape() : new int[] {-1, -1, -1};
        if (shape.length != 3 || shape[0] != policy.frameSize() || shape[1] != shape[0]) {
            throw new IllegalArgumentException(
                    "the policy reads "
                            + policy.frameSize()
                            + " px square frames; "
                            + env.spec().id()
                            + " observes "
                            + env.singleObservationSpace());
        }
        PolicyAgent agent =
                new PolicyAgent(policy, greedy, 0, seed, greedy ? "policy-greedy" : "policy");
        return EpisodeRunner.run(
                (VectorEnv<Tensor, Integer>) env, agent, episodes, seed, Map.of(), progress);
    }
}
