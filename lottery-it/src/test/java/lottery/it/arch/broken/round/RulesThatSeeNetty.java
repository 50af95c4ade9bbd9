package lottery.it.arch.broken.round;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/** Breaks two rules on purpose (ArchitectureTest): a rule class that holds a Netty channel and public static state. */
public final class RulesThatSeeNetty {
    /** Public mutable state that a test would reset. */
    public static final AtomicInteger RESETTABLE = new AtomicInteger();

    private RulesThatSeeNetty() {
    }

    /** Writes to the network from the rules. */
    public static void answer(Channel channel) {
        channel.writeAndFlush("winners");
    }
}
