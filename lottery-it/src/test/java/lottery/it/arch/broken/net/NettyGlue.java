package lottery.it.arch.broken.net;

import lottery.it.arch.broken.round.RulesThatSeeNetty;

/** The broken tree's network layer: it hands requests to the rules, as the real one does. */
public final class NettyGlue {
    private NettyGlue() {
    }

    /** Hands a request over. */
    public static void handOver() {
        RulesThatSeeNetty.answer(null);
    }
}
