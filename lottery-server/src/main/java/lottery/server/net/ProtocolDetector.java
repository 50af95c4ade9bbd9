package lottery.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import lottery.common.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port unification: decides from the first byte of a connection which protocol it speaks, installs that protocol's
 * handlers behind itself and removes itself (the bytes it holds pass on to them, see
 * {@code ByteToMessageDecoder.handlerRemoved}).
 *
 * <ul>
 *   <li>{@code 0x00}: the lottery protocol. Its first frame is a Hello, and a frame length below 16 MiB always starts
 *       with a zero byte.</li>
 *   <li>printable ASCII, tab, CR, LF, or a byte {@code >= 0x80} (UTF-8 text): the line echo.</li>
 *   <li>any other control byte: neither, the connection is closed.</li>
 * </ul>
 *
 * One byte is enough, so a short {@code echo hi | nc} works at once. A connection that goes idle or half-closes before
 * its first byte is closed.
 *
 * <p>Thread context: created per channel (it is a decoder, holding that channel's first bytes) and run on the
 * channel's event loop, which also installs the protocol's handlers; {@code protocols} is shared by every channel.
 */
public final class ProtocolDetector extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolDetector.class);
    /** A refusal is a line per connection: bounded, so a flood of garbage connections cannot flood the log. */
    static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);

    /** What the detector can install. */
    public interface Protocols {
        /** Appends the lottery protocol's handlers to {@code pipeline}. */
        void installLottery(ChannelPipeline pipeline);

        /** Appends the line echo's handlers to {@code pipeline}. */
        void installEcho(ChannelPipeline pipeline);
    }

    /** The protocol a first byte selects. */
    enum Kind { LOTTERY, ECHO, UNKNOWN }

    private final Protocols protocols;

    public ProtocolDetector(Protocols protocols) {
        this.protocols = protocols;
    }

    static Kind classify(int firstByte) {
        if (firstByte == 0x00) {
            return Kind.LOTTERY;
        }
        if ((firstByte >= 0x20 && firstByte != 0x7F) || firstByte == '\t' || firstByte == '\r' || firstByte == '\n') {
            return Kind.ECHO;
        }
        return Kind.UNKNOWN;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        switch (classify(first)) {
            case LOTTERY -> protocols.installLottery(ctx.pipeline());
            case ECHO -> protocols.installEcho(ctx.pipeline());
            default -> {
                LIMITED.warn("detect_protocol", "action: detect_protocol | result: fail | ip: {} | first_byte: 0x{}",
                        Peers.ip(ctx.channel()), String.format("%02x", first));
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent || evt instanceof ChannelInputShutdownEvent) {
            // Nothing was sent at all: there is no protocol to answer in.
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
