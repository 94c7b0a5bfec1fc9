package io.genie4j.protocol;

import io.genie4j.env.vector.VectorEnv;

/** One client's batch of envs on the server, owned by the connection that made it. */
final class Session {
    final String id;
    final String owner;

    /** The address of the connection that made it ({@code host:port}), or null for inproc. */
    final String peer;

    /** The CURVE public key the client authenticated with, or null without CURVE. */
    final String user;

    final VectorEnv<Object, Object> env;

    /** Where replies put observations, or {@code null} when they travel in buffer frames. */
    final SharedMemory shm;

    /** Where a local client may send requests instead of the socket, or {@code null}. */
    final Channel channel;

    /** Whether replies carry infos as columns ({@link ColumnarInfos}) rather than a list. */
    final boolean columnar;

    volatile long lastUsedNanos;

    Session(
            String id,
            String owner,
            String peer,
            String user,
            VectorEnv<Object, Object> env,
            SharedMemory shm,
            Channel channel,
            boolean columnar) {
        this.id = id;
        this.owner = owner;
        this.peer = peer;
        this.user = user;
        this.env = env;
        this.shm = shm;
        this.channel = channel;
        this.columnar = columnar;
        this.lastUsedNanos = System.nanoTime();
    }
}
