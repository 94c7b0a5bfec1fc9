package io.genie4j.protocol;

/**
 * A protocol-level failure with its {@link ErrorCode}: thrown by the server's request handling (and
 * turned into an error reply) and by the clients when the server replies with an error.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    /**
     * @param code the error code
     * @param message what went wrong, naming the bad value
     */
    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
