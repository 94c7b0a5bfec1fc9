"""A random agent on a Genie4j environment served over ZeroMQ.

    bin/genie4j serve &
    PYTHONPATH=protocol/python python3 protocol/python/examples/random_agent.py --env Corridor-v0
"""

import argparse
import time

import numpy as np

import genie4j


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--address", default="tcp://127.0.0.1:5555")
    p.add_argument("--env", default="CoinRun-v0")
    p.add_argument("--episodes", type=int, default=5)
    p.add_argument("--num-envs", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    with genie4j.make(args.env, address=args.address, num_envs=max(2, args.num_envs)) as envs:
        envs.single_action_space.seed(args.seed)
        envs.reset(seed=args.seed)
        returns = np.zeros(envs.num_envs)
        lengths = np.zeros(envs.num_envs, dtype=int)
        done_before = np.zeros(envs.num_envs, dtype=bool)
        finished, steps, start = 0, 0, time.perf_counter()
        while finished < args.episodes:
            actions = np.array([envs.single_action_space.sample() for _ in range(envs.num_envs)])
            _, rewards, terminated, truncated, _ = envs.step(actions)
            steps += envs.num_envs
            # With next-step autoreset, an env that ended last step was reset by this one.
            returns = np.where(done_before, 0.0, returns + rewards)
            lengths = np.where(done_before, 0, lengths + 1)
            done = terminated | truncated
            for i in np.flatnonzero(done):
                finished += 1
                print(f"episode {finished}: env {i} return {returns[i]:.2f} in {lengths[i]} steps")
            done_before = done
        print(f"{steps / (time.perf_counter() - start):.0f} steps/s")


if __name__ == "__main__":
    main()
