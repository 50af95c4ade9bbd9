package lottery.client.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The skeleton's echo server as a test fixture: on 127.0.0.1, each UTF-8 line received is recorded and answered with
 * the same line (or, when {@code answer} is false, the connection is closed without an answer).
 */
public final class FakeEchoServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final boolean answer;
    private Channel serverChannel;

    private FakeEchoServer(boolean answer) {
        this.answer = answer;
    }

    public static FakeEchoServer start() throws InterruptedException {
        return start(true);
    }

    public static FakeEchoServer start(boolean answer) throws InterruptedException {
        FakeEchoServer server = new FakeEchoServer(answer);
        server.serverChannel = new ServerBootstrap()
                .group(server.group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new LineBasedFrameDecoder(8192))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new StringEncoder(StandardCharsets.UTF_8))
                                .addLast(server.new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return server;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The lines received, without line ends. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            lines.add(line);
            if (answer) {
                ctx.writeAndFlush(line + "\n");
            } else {
                ctx.close();
            }
        }
    }
}
