/**
 * Batches of envs stepped together with next-step autoreset: {@link
 * io.genie4j.env.vector.VectorEnv}, in the caller's thread ({@link
 * io.genie4j.env.vector.SyncVectorEnv}) or on worker threads ({@link
 * io.genie4j.env.vector.ThreadedVectorEnv}).
 */
package io.genie4j.env.vector;
