package lottery.it.arch.broken.round;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/** Breaks two rules on purpose (ArchitectureTest): a rule class that holds a Netty channel and public static state. */
public final class RulesThatSeeNetty {
    /** Public mutable state that a test would reset. */
    public static final List<String> RESETTABLE = new ArrayList<>();

    private RulesThatSeeNetty() {
    }

    /** Writes to the network from the rules. */
    public static void answer(Channel channel) {
        channel.writeAndFlush("winners");
    }
}
