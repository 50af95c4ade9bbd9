package lottery.protocol.message;

/**
 * Asks for the winners of the connection's agency. The server answers with {@link Winners} only once the draw has
 * run, so the answer may take as long as the slowest agency.
 */
public record WinnersQuery() implements LotteryMessage {
    public static final WinnersQuery INSTANCE = new WinnersQuery();

    @Override
    public MessageType type() {
        return MessageType.WINNERS_QUERY;
    }
}
