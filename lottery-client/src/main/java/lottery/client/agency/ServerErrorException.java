package lottery.client.agency;

import lottery.protocol.message.ErrorReply;

/** The server answered a request with an {@link ErrorReply}: the run fails with the server's code and reason. */
public final class ServerErrorException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorReply reply;

    public ServerErrorException(ErrorReply reply) {
        super(reply.code() + "(" + reply.code().code() + "): " + reply.reason());
        this.reply = reply;
    }

    public ErrorReply reply() {
        return reply;
    }

    /** The code as logged: its name and number, e.g. {@code INVALID_BET(10)}. */
    public String codeText() {
        return reply.code() + "(" + reply.code().code() + ")";
    }
}
