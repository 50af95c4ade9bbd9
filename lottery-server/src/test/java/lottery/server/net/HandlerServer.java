package lottery.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryPipeline;
import lottery.server.round.DrawCoordinator;
import lottery.server.round.LotteryThread;

/**
 * A loopback server whose lottery connections run a {@link LotteryHandler} with a lottery thread (a "worker") that
 * the test controls, and which hands the test every accepted channel, so a test can watch a connection's auto-read
 * and writability.
 */
final class HandlerServer implements AutoCloseable {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private final Channel server;

    HandlerServer(DrawCoordinator coordinator, LotteryThread worker) throws InterruptedException {
        server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LotteryPipeline.addLast(ch.pipeline())
                                .addLast(new LotteryHandler(coordinator, worker))
                                .addLast(ExceptionHandler.INSTANCE);
                        accepted.add(ch);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The next connection accepted, in accept order; fails after {@code wait}. */
    Channel nextAccepted(Duration wait) throws InterruptedException {
        Channel channel = accepted.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (channel == null) {
            throw new AssertionError("no connection accepted within " + wait);
        }
        return channel;
    }

    @Override
    public void close() {
        try {
            server.close().syncUninterruptibly();
        } finally {
            loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
