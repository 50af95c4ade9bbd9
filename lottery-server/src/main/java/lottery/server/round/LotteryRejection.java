package lottery.server.round;

import lottery.protocol.message.ErrorCode;

/**
 * A request the lottery refuses for a business reason (a bet after Finish, a second Finish, a storage failure, a
 * server that is stopping). The handler answers it with an ErrorReply of {@link #code()}.
 *
 * <p>Thread context: its code is final and set once; it lives on the lottery thread, where {@link DrawCoordinator}
 * and {@link Draw} throw it (a failed draw's is kept and thrown again) and {@link AgencyConversation} answers it.
 */
public final class LotteryRejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    public LotteryRejection(ErrorCode code, String reason) {
        super(reason);
        this.code = code;
    }

    public LotteryRejection(ErrorCode code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
