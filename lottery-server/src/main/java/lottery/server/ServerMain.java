package lottery.server;

/** Entry point of the lottery server (placeholder until the server lands). */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) {
        System.out.println("lottery-server: not implemented yet");
    }
}
