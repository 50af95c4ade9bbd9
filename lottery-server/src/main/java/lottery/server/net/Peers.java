package lottery.server.net;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * How log lines name the peer of a channel: its IP address, without the port.
 *
 * <p>Thread context: stateless; it only reads the channel's remote address, so any thread may call it (the event
 * loops do, including where a lottery connection's conversation is built).
 */
final class Peers {

    private Peers() {
    }

    static String ip(Channel channel) {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }
}
