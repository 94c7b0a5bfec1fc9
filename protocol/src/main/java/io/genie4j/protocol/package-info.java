/**
 * The ZeroMQ environment protocol: the wire format of {@code protocol/PROTOCOL.md}, the {@code
 * EnvServer} that hosts every registered env, and the Java clients {@code RemoteEnv} and {@code
 * RemoteVectorEnv}. Not implemented yet: this package is filled by the protocol issue.
 */
package io.genie4j.protocol;
