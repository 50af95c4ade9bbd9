package lottery.protocol.message;

/** The agency has sent all its bets. It carries nothing: the agency is the connection's. */
public record Finish() implements LotteryMessage {
    public static final Finish INSTANCE = new Finish();

    @Override
    public MessageType type() {
        return MessageType.FINISH;
    }
}
