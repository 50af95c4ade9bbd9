package lottery.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lottery.protocol.codec.LotteryPipeline;
import lottery.protocol.message.Ack;
import lottery.protocol.message.ErrorCode;
import lottery.protocol.message.ErrorReply;
import lottery.protocol.message.Hello;
import lottery.protocol.message.LotteryMessage;
import lottery.protocol.message.MessageType;

/**
 * A protocol client for tests: sends messages (or raw bytes) and collects what the server answers in a queue. The
 * codec is the production one, so every answer is decoded exactly as an agency would decode it.
 */
public final class TestClient implements AutoCloseable {
    /** How long a test waits for an answer that must come. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Channel channel;
    private final BlockingQueue<Object> received;

    private TestClient(Channel channel, BlockingQueue<Object> received) {
        this.channel = channel;
        this.received = received;
    }

    /** Connects to {@code server} using {@code group}'s event loops. */
    public static TestClient connect(EventLoopGroup group, InetSocketAddress server) throws InterruptedException {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LotteryPipeline.addLast(ch.pipeline()).addLast(new SimpleChannelInboundHandler<LotteryMessage>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, LotteryMessage msg) {
                                received.add(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                received.add(cause);
                            }
                        });
                    }
                })
                .connect(server).sync().channel();
        return new TestClient(channel, received);
    }

    /** Connects and does the handshake of {@code agency}. */
    public static TestClient agency(EventLoopGroup group, InetSocketAddress server, int agency)
            throws InterruptedException {
        TestClient client = connect(group, server);
        client.send(Hello.of(agency));
        client.expectAck(MessageType.HELLO, 0, 0);
        return client;
    }

    public void send(LotteryMessage message) throws InterruptedException {
        channel.writeAndFlush(message).sync();
    }

    /** Writes all of {@code messages} with one flush at the end (pipelining), and waits until they are sent. */
    public void sendAll(List<? extends LotteryMessage> messages) throws InterruptedException {
        ChannelFuture last = null;
        for (LotteryMessage message : messages) {
            last = channel.write(message);
        }
        channel.flush();
        if (last != null) {
            last.sync();
        }
    }

    /** Writes {@code bytes} as they are, past the codec (for malformed frames). */
    public void sendRaw(byte[] bytes) throws InterruptedException {
        channel.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(bytes)).sync();
    }

    /** The next answer; fails the test if none comes within {@link #TIMEOUT} or the client could not decode it. */
    public LotteryMessage receive() throws InterruptedException {
        Object next = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next).as("an answer from the server within " + TIMEOUT).isNotNull();
        assertThat(next).as("a decodable answer").isInstanceOf(LotteryMessage.class);
        return (LotteryMessage) next;
    }

    /** The next answer if one comes within {@code wait}, else {@code null}. */
    public Object poll(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Ack expectAck(MessageType ref, long seq, long stored) throws InterruptedException {
        LotteryMessage answer = receive();
        assertThat(answer).isEqualTo(new Ack(ref, seq, stored));
        return (Ack) answer;
    }

    public ErrorReply expectError(ErrorCode code) throws InterruptedException {
        LotteryMessage answer = receive();
        assertThat(answer).isInstanceOf(ErrorReply.class);
        assertThat(((ErrorReply) answer).code()).isEqualTo(code);
        return (ErrorReply) answer;
    }

    /** Whether the server closed the connection within {@link #TIMEOUT}. */
    public boolean awaitClosed() {
        return channel.closeFuture().awaitUninterruptibly(TIMEOUT.toMillis());
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Half-closes: the server reads end of stream but can still answer. */
    public void shutdownOutput() throws InterruptedException {
        ((SocketChannel) channel).shutdownOutput().sync();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
