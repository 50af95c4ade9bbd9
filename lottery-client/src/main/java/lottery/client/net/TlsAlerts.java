package lottery.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind the client's {@code SslHandler}: turns a final TLS failure into one log line
 * {@code action: tls_handshake | result: fail | reason: ...} and a {@link TlsHandshakeException} for the client
 * thread. With TLS 1.3 the server verifies the agency certificate after the client's side of the handshake is done,
 * so its refusal arrives as an alert on the first read: this handler makes that as clear as a failed handshake.
 *
 * <p>Thread context: one per channel, on its event loop.
 */
final class TlsAlerts extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsAlerts.class);

    private final String name;
    private boolean logged;

    TlsAlerts(String name) {
        this.name = name;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && ClientTls.isFinal(done.cause())) {
            failure(done.cause());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ClientTls.isFinal(cause)) {
            ctx.fireExceptionCaught(failure(cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Logs the failure once per connection; returns it as the exception the client thread gets. */
    TlsHandshakeException failure(Throwable cause) {
        String reason = ClientTls.explain(cause, name);
        if (!logged) {
            logged = true;
            LOG.error("action: tls_handshake | result: fail | reason: {}", reason);
        }
        return exception(cause, name);
    }

    /** The exception the client thread gets for a final TLS failure with the server named {@code name}. */
    static TlsHandshakeException exception(Throwable cause, String name) {
        return new TlsHandshakeException("TLS with " + name + " failed: " + ClientTls.explain(cause, name),
                ClientTls.unwrap(cause));
    }
}
