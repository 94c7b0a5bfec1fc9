package io.genie4j.protocol;

import io.genie4j.env.VectorEnv;

/** One client's batch of envs on the server, owned by the connection that made it. */
final class Session {
    final String id;
    final String owner;
    final VectorEnv<Object, Object> env;

    /** Where replies put observations, or {@code null} when they travel in buffer frames. */
    final SharedMemory shm;

    volatile long lastUsedNanos;

    Session(String id, String owner, VectorEnv<Object, Object> env, SharedMemory shm) {
        this.id = id;
        this.owner = owner;
        this.env = env;
        this.shm = shm;
        this.lastUsedNanos = System.nanoTime();
    }
}
