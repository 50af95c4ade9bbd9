package lottery.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind the client's {@code SslHandler}: turns a final TLS failure into a {@link TlsHandshakeException} for the
 * client thread, which logs it ({@code action: tls_handshake | result: fail | reason: ...}). With TLS 1.3 the server
 * verifies the agency certificate after the client's side of the handshake is done, so its refusal arrives as an
 * alert on the first read: this handler makes that as clear as a failed handshake.
 *
 * <p>Thread context: one per channel, on its event loop.
 */
final class TlsAlerts extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsAlerts.class);

    private final String name;

    TlsAlerts(String name) {
        this.name = name;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ClientTls.isFinal(cause)) {
            ctx.fireExceptionCaught(exception(cause, name));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Logs {@code failure} on the client thread that got it: {@code action: tls_handshake | result: fail}. */
    static void log(TlsHandshakeException failure) {
        LOG.error("action: tls_handshake | result: fail | reason: {}", failure.reason());
    }

    /** The exception the client thread gets for a final TLS failure with the server named {@code name}. */
    static TlsHandshakeException exception(Throwable cause, String name) {
        String reason = ClientTls.explain(cause, name);
        return new TlsHandshakeException("TLS with " + name + " failed: " + reason, reason, ClientTls.unwrap(cause));
    }

    /** No: one per channel. Answered here so that Netty does not read annotations (LotteryPipeline). */
    @Override
    public boolean isSharable() {
        return false;
    }
}
