package io.genie4j.protocol;

/**
 * The error codes of protocol version 1.1 (PROTOCOL.md §5), named after the gRPC canonical codes.
 * {@link #PERMISSION_DENIED} and {@link #UNAVAILABLE} are new in 1.1; clients must treat a code
 * they do not know as a failure of the request.
 */
public enum ErrorCode {
    /** Malformed request, bad field, wrong dtype or shape, action outside the space. */
    INVALID_ARGUMENT,
    /** Unknown env id, unknown or closed session. */
    NOT_FOUND,
    /** Unknown operation or no common protocol version. */
    UNIMPLEMENTED,
    /**
     * The operation needs a state the session is not in, e.g. {@code step} before {@code reset}.
     */
    FAILED_PRECONDITION,
    /** Message too large, too many sessions or envs, an image too large. */
    RESOURCE_EXHAUSTED,
    /** An option names a file on the server outside the directories its operator allowed (1.1). */
    PERMISSION_DENIED,
    /**
     * The server holds too many unread replies for this client: the request was not executed; read
     * replies, then send it again (1.1).
     */
    UNAVAILABLE,
    /** The environment failed. */
    INTERNAL
}
