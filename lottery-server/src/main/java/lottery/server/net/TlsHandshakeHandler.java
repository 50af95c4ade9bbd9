package lottery.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.OptionalInt;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import lottery.common.log.LogText;
import lottery.common.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the {@code SslHandler} of a TLS connection: when the handshake succeeds, records the agency its
 * certificate names ({@link #CERTIFIED_AGENCY}, read by the {@link LotteryHandler} for the HELLO); when it fails, logs
 * one line {@code action: tls_handshake | result: fail | peer: IP:PORT | reason: ...} (rate-limited) and closes. TLS
 * failures after the handshake (a bad record) end the connection with one line too, instead of reaching the
 * protocol's handlers as decoding errors.
 *
 * <p>Thread context: one per channel, on its event loop.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
    /** The agency number of the peer's verified certificate; absent without one. */
    static final AttributeKey<Integer> CERTIFIED_AGENCY = AttributeKey.valueOf("lottery.certifiedAgency");

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    static final RateLimitedLog LIMITED = new RateLimitedLog(LOG);

    private boolean failed;

    /** The certified agency of {@code channel}, empty without a certificate (or without TLS). */
    static OptionalInt certifiedAgency(Channel channel) {
        Integer agency = channel.attr(CERTIFIED_AGENCY).get();
        return agency == null ? OptionalInt.empty() : OptionalInt.of(agency);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                onSuccess(ctx);
            } else {
                fail(ctx, "tls_handshake", done.cause());
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private void onSuccess(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String subject = "none";
        try {
            Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                // AgencyCertificates let only CN=agency-N certificates through.
                OptionalInt agency = AgencyCertificates.agencyOf(leaf);
                if (agency.isPresent()) {
                    ctx.channel().attr(CERTIFIED_AGENCY).set(agency.getAsInt());
                }
                subject = leaf.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException none) {
            // No agency certificate (SERVER_TLS_CLIENT_AUTH=optional, or no client CA).
        }
        LOG.debug("action: tls_handshake | result: success | peer: {} | protocol: {} | cipher: {} | client_cert: {}",
                peer(ctx.channel()), ssl.engine().getSession().getProtocol(),
                ssl.engine().getSession().getCipherSuite(), LogText.clean(subject));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        Throwable tls = cause instanceof DecoderException && cause.getCause() instanceof SSLException
                ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            fail(ctx, "tls", tls);
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, String action, Throwable cause) {
        if (!failed) {
            failed = true;
            LIMITED.warn(action, "action: " + action + " | result: fail | peer: {} | reason: {}", peer(ctx.channel()),
                    reason(cause));
        }
        ctx.close();
    }

    /** The exception's message, and its root cause's when that says more (our CertificateException, an expiry). */
    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String text = top;
        if (root != cause && root.getMessage() != null && !top.contains(root.getMessage())) {
            text = top + " (" + root.getMessage() + ")";
        }
        if (text.contains("Empty client certificate chain")) {
            // The JDK client sends no certificate when it has none from a CA the server names.
            text = "no agency certificate: none sent, or none signed by SERVER_TLS_CLIENT_CA (" + text + ")";
        }
        return LogText.clean(text);
    }

    static String peer(Channel channel) {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
