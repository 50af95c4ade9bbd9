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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lottery.testkit.Lines;

/**
 * The skeleton's echo server as a test fixture: on 127.0.0.1, each UTF-8 line received is recorded and answered as
 * its {@link Reply} says: with the same line, by closing the connection, or not at all.
 */
public final class FakeEchoServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** What the server does with each line. */
    public enum Reply { ECHO, CLOSE, NONE }

    private final Lines<String> lines = new Lines<>();
    private final Reply reply;
    private Channel serverChannel;

    private FakeEchoServer(Reply reply) {
        this.reply = reply;
    }

    public static FakeEchoServer start() throws InterruptedException {
        return start(Reply.ECHO);
    }

    public static FakeEchoServer start(Reply reply) throws InterruptedException {
        FakeEchoServer server = new FakeEchoServer(reply);
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
        return lines.all();
    }

    /** Waits until a line has been received. */
    public String awaitLine(Duration timeout) throws InterruptedException {
        return lines.await(line -> true, timeout);
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
            switch (reply) {
                case ECHO -> ctx.writeAndFlush(line + "\n");
                case CLOSE -> ctx.close();
                case NONE -> { } // the answer never comes
            }
        }
    }
}
