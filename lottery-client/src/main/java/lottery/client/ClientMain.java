package lottery.client;

/** Entry point of the lottery client (placeholder until the client lands). */
public final class ClientMain {
    private ClientMain() {
    }

    public static void main(String[] args) {
        System.out.println("lottery-client: not implemented yet");
    }
}
