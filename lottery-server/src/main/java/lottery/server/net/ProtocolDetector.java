package lottery.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
 *   <li>{@code 0x16} (a TLS handshake record: the ClientHello): TLS, when the server has it on; the
 *       {@code SslHandler} goes behind this detector and a second detector behind it, which decides again on the
 *       decrypted bytes (Netty's port-unification pattern). With TLS off the peer gets a TLS alert (handshake
 *       failure), so a TLS client says what went wrong instead of waiting; inside TLS it is no protocol.</li>
 *   <li>any other control byte: neither, the connection is closed.</li>
 * </ul>
 *
 * With TLS on, the plain lottery protocol (outside TLS) is refused with ERROR TLS_REQUIRED unless
 * SERVER_TLS_ALLOW_PLAIN; the echo is answered in clear as before.
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

        /** Whether the server has TLS on (SERVER_TLS_CERT). */
        default boolean tls() {
            return false;
        }

        /** With TLS on: whether the plain lottery protocol is accepted too (SERVER_TLS_ALLOW_PLAIN). */
        default boolean plainAllowed() {
            return true;
        }

        /**
         * Puts the TLS handlers behind {@code detector} (the bytes it holds go to them once it is removed), and a
         * detector for the decrypted bytes behind them.
         */
        default void installTls(ChannelHandlerContext detector) {
            throw new UnsupportedOperationException("TLS is off");
        }

        /** Answers ERROR TLS_REQUIRED in the lottery protocol and closes (TLS on, plain not allowed). */
        default void refusePlain(ChannelHandlerContext ctx) {
            throw new UnsupportedOperationException("TLS is off");
        }
    }

    /** The protocol a first byte selects. */
    enum Kind { LOTTERY, ECHO, TLS, UNKNOWN }

    /** TLS record type of a handshake message (RFC 8446 §5.1): the first byte of a ClientHello. */
    static final int TLS_HANDSHAKE = 0x16;
    /**
     * A TLS alert record, fatal handshake_failure (RFC 8446 §5.1, §6): what a server with TLS off answers a
     * ClientHello with, in clear, so the client's TLS stack fails at once with "Received fatal alert".
     */
    static final byte[] TLS_HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

    private final Protocols protocols;
    /** Whether this detector reads the decrypted bytes of a TLS connection. */
    private final boolean insideTls;

    public ProtocolDetector(Protocols protocols) {
        this(protocols, false);
    }

    /** A detector for the raw bytes, or ({@code insideTls}) for those a TLS connection decrypted. */
    public ProtocolDetector(Protocols protocols, boolean insideTls) {
        this.protocols = protocols;
        this.insideTls = insideTls;
    }

    static Kind classify(int firstByte) {
        if (firstByte == 0x00) {
            return Kind.LOTTERY;
        }
        if (firstByte == TLS_HANDSHAKE) {
            return Kind.TLS;
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
        Kind kind = classify(first);
        if (kind == Kind.TLS && !insideTls && protocols.tls()) {
            protocols.installTls(ctx);
            ctx.pipeline().remove(this);
            return;
        }
        if (kind == Kind.TLS) {
            LIMITED.warn("detect_protocol", "action: detect_protocol | result: fail | ip: {} | first_byte: 0x16"
                    + " | reason: {}", Peers.ip(ctx.channel()), insideTls ? "TLS inside TLS"
                    : "a TLS client, and TLS is off (SERVER_TLS_CERT not set)");
            in.skipBytes(in.readableBytes());
            if (insideTls) {
                ctx.close();
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(TLS_HANDSHAKE_FAILURE))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (kind == Kind.LOTTERY && !insideTls && protocols.tls() && !protocols.plainAllowed()) {
            LIMITED.warn("detect_protocol", "action: detect_protocol | result: fail | ip: {} | first_byte: 0x00"
                    + " | reason: plain lottery protocol, and the server requires TLS", Peers.ip(ctx.channel()));
            in.skipBytes(in.readableBytes());
            protocols.refusePlain(ctx);
            return;
        }
        switch (kind) {
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
