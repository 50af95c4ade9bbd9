package lottery.client.net;

/** A wait ended because the client was asked to stop (SIGTERM): not a failure, the run ends with status 0. */
public final class StoppedException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoppedException() {
        super("stop requested");
    }
}
