package io.genie4j.protocol;

/** The error codes of protocol version 1 (PROTOCOL.md §5), named after the gRPC canonical codes. */
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
    /** Message too large, too many sessions or envs. */
    RESOURCE_EXHAUSTED,
    /** The environment failed. */
    INTERNAL
}
