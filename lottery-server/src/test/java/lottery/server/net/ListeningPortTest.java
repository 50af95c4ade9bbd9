package lottery.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListeningPortTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aConnectionMadeBeforeNettyStartsWaitsInTheBacklogAndIsServedOnceAccepting() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ListeningPort port = ListeningPort.bind(LOOPBACK, 0, 8)) {
            InetSocketAddress bound = port.address();
            assertThat(bound.getPort()).isPositive();
            // Netty is not started yet: the kernel completes the connection, and the bytes wait in its buffers.
            try (Socket early = new Socket(LOOPBACK, bound.getPort())) {
                OutputStream out = early.getOutputStream();
                out.write("hola\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();

                Channel server = new ServerBootstrap()
                        .group(loops)
                        .channelFactory(port.channelFactory())
                        .option(ChannelOption.AUTO_READ, false)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                        received.add(msg.toString(StandardCharsets.US_ASCII));
                                    }
                                });
                            }
                        })
                        .register().sync().channel();
                assertThat(server.localAddress()).isEqualTo(bound);
                assertThat(received.poll(200, TimeUnit.MILLISECONDS)).as("nothing accepted before reading").isNull();

                server.config().setAutoRead(true);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hola\n");
                server.close().sync();
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aTakenPortSaysWhichAddressAndPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            assertThatThrownBy(() -> ListeningPort.bind(LOOPBACK, taken.getLocalPort(), 8))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on " + LOOPBACK.getHostAddress() + " port "
                            + taken.getLocalPort() + ": ");
        }
    }

    @Test
    void closedBeforeTheHandOverItFreesThePort() throws IOException {
        int port;
        try (ListeningPort listening = ListeningPort.bind(LOOPBACK, 0, 8)) {
            port = listening.address().getPort();
        }
        try (ListeningPort again = ListeningPort.bind(LOOPBACK, port, 8)) {
            assertThat(again.address().getPort()).isEqualTo(port);
        }
    }

    @Test
    void theSocketIsHandedOverOnce() throws IOException {
        ServerChannel channel;
        ChannelFactory<ServerChannel> factory;
        try (ListeningPort listening = ListeningPort.bind(LOOPBACK, 0, 8)) {
            factory = listening.channelFactory();
            channel = factory.newChannel();
        }
        try {
            assertThatThrownBy(factory::newChannel).isInstanceOf(IllegalStateException.class);
            // Once handed over, closing the port (above) left the socket to the channel.
            assertThat(channel.isOpen()).isTrue();
        } finally {
            channel.unsafe().closeForcibly();
        }
        assertThat(channel.isOpen()).isFalse();
    }
}
