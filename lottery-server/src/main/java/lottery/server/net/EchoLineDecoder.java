package lottery.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.util.List;

/**
 * Lines ended by LF or CRLF (stripped), at most {@code maxLength} bytes (a longer one fails the connection). When
 * the peer half-closes its output, the bytes after the last line end are a last line too, so
 * {@code printf hola | nc host port} is echoed.
 *
 * <p>Thread context: one per channel (not sharable: it holds that channel's unfinished line), run on the channel's
 * event loop only.
 */
public final class EchoLineDecoder extends LineBasedFrameDecoder {

    public EchoLineDecoder(int maxLength) {
        // Fail fast: a peer that never sends a line end is refused once it passes the limit, not buffered forever.
        super(maxLength, true, true);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }
}
