package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.server.net.ProtocolDetector.Kind;
import lottery.server.support.Frames;
import lottery.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden cases of the first-byte detection with TLS (docs/PROTOCOL.md §1): {@code 0x16} starts TLS on a TLS server
 * and gets a TLS alert on a plain one; the plain lottery protocol gets ERROR TLS_REQUIRED on a TLS server unless
 * SERVER_TLS_ALLOW_PLAIN; the echo is answered in clear either way.
 */
class TlsDetectionTest {
    @TempDir
    static Path dir;
    private static ServerTls strict;
    private static ServerTls allowPlain;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued server = ca.server();
        strict = ServerTls.load(new TlsSettings(server.cert(), server.key(), null, TlsSettings.ClientAuth.OFF, null,
                false));
        allowPlain = ServerTls.load(new TlsSettings(server.cert(), server.key(), null, TlsSettings.ClientAuth.OFF,
                null, true));
    }

    private static EmbeddedChannel channel(ServerTls tls) {
        ServerInitializer initializer = new ServerInitializer(null, null, null, 0, Integer.MAX_VALUE, 0, tls);
        return new EmbeddedChannel(new ProtocolDetector(initializer));
    }

    @Test
    void theTlsHandshakeByteIsItsOwnKind() {
        assertThat(ProtocolDetector.classify(0x16)).isEqualTo(Kind.TLS);
        assertThat(ProtocolDetector.classify(0x15)).isEqualTo(Kind.UNKNOWN);
        assertThat(ProtocolDetector.classify(0x17)).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void onATlsServerTheHandshakeByteInstallsTlsAndASecondDetector() {
        EmbeddedChannel channel = channel(strict);

        // A record header of a ClientHello, not complete: the SslHandler waits for the rest.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}));

        assertThat(channel.pipeline().names()).containsSubsequence(ServerInitializer.SSL_HANDLER,
                ServerInitializer.TLS_HANDSHAKE_HANDLER, ServerInitializer.TLS_PROTOCOL_DETECTOR);
        assertThat(channel.pipeline().get(ServerInitializer.PROTOCOL_DETECTOR)).isNull();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void onATlsServerThePlainLotteryProtocolIsAnsweredTlsRequiredAndClosed() {
        EmbeddedChannel channel = channel(strict);

        channel.writeInbound(Unpooled.wrappedBuffer(Frames.of(Hello.of(3))));

        ErrorReply error = decode(channel);
        assertThat(error.code()).isEqualTo(ErrorCode.TLS_REQUIRED);
        assertThat(error.reason()).contains("TLS");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.pipeline().get(ServerInitializer.LOTTERY_HANDLER)).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void withAllowPlainThePlainLotteryProtocolGetsItsHandlers() {
        EmbeddedChannel channel = channel(allowPlain);

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00}));

        assertThat(channel.pipeline().get(ServerInitializer.LOTTERY_HANDLER)).isNotNull();
        assertThat(channel.pipeline().get(ServerInitializer.SSL_HANDLER)).isNull();
        assertThat(channel.outboundMessages()).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void onATlsServerTheEchoIsStillAnsweredInClear() {
        EmbeddedChannel channel = channel(strict);

        channel.writeInbound(Unpooled.copiedBuffer("hola\n", StandardCharsets.UTF_8));

        ByteBuf echoed = channel.readOutbound();
        assertThat(echoed.toString(StandardCharsets.UTF_8)).isEqualTo("hola\n");
        echoed.release();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void onAPlainServerATlsClientGetsAHandshakeFailureAlertAndIsClosed() {
        EmbeddedChannel channel = channel(null);

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01}));

        ByteBuf alert = channel.readOutbound();
        // TLS record: alert (0x15), TLS 1.2, 2 bytes: fatal (2) handshake_failure (40).
        assertThat(ByteBufUtil.hexDump(alert)).isEqualTo("15030300020228");
        alert.release();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void insideTlsTheHandshakeByteIsNoProtocol() {
        ServerInitializer initializer = new ServerInitializer(null, null, null, 0, Integer.MAX_VALUE, 0, strict);
        EmbeddedChannel channel = new EmbeddedChannel(new ProtocolDetector(initializer, true));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03}));

        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    /** The one ERROR frame the server wrote, decoded with the protocol's own decoder. */
    private static ErrorReply decode(EmbeddedChannel channel) {
        EmbeddedChannel decoder = new EmbeddedChannel();
        LotteryPipeline.addLast(decoder.pipeline());
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            decoder.writeInbound(out);
        }
        Object message = decoder.readInbound();
        decoder.finishAndReleaseAll();
        assertThat(message).isInstanceOf(ErrorReply.class);
        return (ErrorReply) message;
    }
}
