package lottery.client.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import lottery.protocol.message.Ack;
import lottery.protocol.message.Batch;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;
import lottery.protocol.message.Winners;

/**
 * A {@link FakeLotteryServer.Script} that keeps one agency's state across connections as the issue-10 server does
 * (docs/PROTOCOL.md): the Hello's Ack is the resume point (last stored batch seq, bets stored); a Batch at or below
 * it is acknowledged again without storing; the next one is stored; a later one is SEQUENCE_GAP; Finish is
 * idempotent. A {@link Fault} sees every message first and may answer it itself (cut the connection, refuse...).
 * Messages that arrive on a connection the script already closed are ignored, as the real server ignores what
 * follows a fatal error. The state is guarded by this object: the event loop writes it, the test reads it.
 */
public final class ResumingAgency implements FakeLotteryServer.Script {
    /** Sees each message before the normal answer; returns true when it handled the message itself. */
    @FunctionalInterface
    public interface Fault {
        boolean handle(ChannelHandlerContext ctx, LotteryMessage message, ResumingAgency agency);
    }

    private final Set<Channel> cut = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> storeCounts = new TreeMap<>();
    private final List<String> winners;
    private Fault fault = (ctx, message, agency) -> false;
    private long lastSeq;
    private long stored;
    private long finishExtra;
    private int hellos;

    public ResumingAgency(List<String> winners) {
        this.winners = List.copyOf(winners);
    }

    /** The server already stores {@code seq} batches holding {@code bets} bets (an earlier run of the agency). */
    public synchronized ResumingAgency alreadyStored(long seq, long bets) {
        lastSeq = seq;
        stored = bets;
        return this;
    }

    public synchronized ResumingAgency fault(Fault fault) {
        this.fault = fault;
        return this;
    }

    /** Makes the Finish Ack report {@code extra} more bets than stored (a server that lost or invented some). */
    public synchronized ResumingAgency finishReportsExtra(long extra) {
        finishExtra = extra;
        return this;
    }

    /** Stores {@code batch} as the next one without answering it (the Ack is lost with the connection). */
    public synchronized void storeWithoutAck(Batch batch) {
        if (batch.seq() != lastSeq + 1) {
            throw new IllegalStateException("batch " + batch.seq() + " is not the next after " + lastSeq);
        }
        lastSeq = batch.seq();
        stored += batch.bets().size();
        storeCounts.merge(batch.seq(), 1, Integer::sum);
    }

    /** Forgets every batch after {@code seq}: a server whose files were replaced by older ones. */
    public synchronized void rollBack(long seq, long bets) {
        lastSeq = seq;
        stored = bets;
        storeCounts.keySet().removeIf(s -> s > seq);
    }

    /** Stores a single bet without answering it (the Ack is lost with the connection). */
    public synchronized void storeBetWithoutAck() {
        stored++;
    }

    /** Closes the connection of {@code ctx} without an answer; later messages on it are ignored. */
    public void cut(ChannelHandlerContext ctx) {
        cut.add(ctx.channel());
        ctx.close();
    }

    /** Answers {@code code} for {@code message} and closes, as a fatal error does. */
    public void refuse(ChannelHandlerContext ctx, LotteryMessage message, ErrorCode code, String reason) {
        cut.add(ctx.channel());
        long seq = message instanceof Batch batch ? batch.seq() : 0;
        ctx.writeAndFlush(ErrorReply.of(code, message.type(), seq, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public synchronized void onMessage(ChannelHandlerContext ctx, LotteryMessage message, FakeLotteryServer server) {
        if (cut.contains(ctx.channel())) {
            return;
        }
        if (message.type() == MessageType.HELLO) {
            hellos++;
        }
        if (fault.handle(ctx, message, this)) {
            return;
        }
        switch (message.type()) {
            case HELLO -> ctx.writeAndFlush(new Ack(MessageType.HELLO, lastSeq, stored));
            case BET -> {
                stored++;
                ctx.writeAndFlush(new Ack(MessageType.BET, 0, 1));
            }
            case BATCH -> {
                Batch batch = (Batch) message;
                long seq = batch.seq();
                if (seq >= 1 && seq <= lastSeq) {
                    ctx.writeAndFlush(new Ack(MessageType.BATCH, seq, batch.bets().size()));
                } else if (seq == lastSeq + 1) {
                    lastSeq = seq;
                    stored += batch.bets().size();
                    storeCounts.merge(seq, 1, Integer::sum);
                    ctx.writeAndFlush(new Ack(MessageType.BATCH, seq, batch.bets().size()));
                } else {
                    ctx.writeAndFlush(ErrorReply.of(ErrorCode.SEQUENCE_GAP, MessageType.BATCH, seq,
                            "batch " + seq + " after " + lastSeq));
                }
            }
            case FINISH -> ctx.writeAndFlush(new Ack(MessageType.FINISH, 0, stored + finishExtra));
            case WINNERS_QUERY -> Winners.split(winners).forEach(ctx::writeAndFlush);
            default -> throw new IllegalStateException("a client does not send " + message.type());
        }
    }

    /** How many times each batch seq was stored (each should be 1). */
    public synchronized Map<Long, Integer> storeCounts() {
        return new TreeMap<>(storeCounts);
    }

    public synchronized long stored() {
        return stored;
    }

    public synchronized int hellos() {
        return hellos;
    }

    public synchronized List<Long> storedSeqs() {
        return new ArrayList<>(storeCounts.keySet());
    }
}
