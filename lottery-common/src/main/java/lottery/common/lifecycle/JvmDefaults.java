package lottery.common.lifecycle;

/**
 * Start-up defaults both programs set first thing, before any Netty class is loaded, so that {@code java -jar} gets
 * them as well as the launchers ({@code bin/}) and the images. Each is only a default: a {@code -D} on the command
 * line (or {@code JAVA_TOOL_OPTIONS}) wins.
 *
 * <ul>
 *   <li>{@value #NETTY_JFR} = false: Netty 4.2's buffer allocator emits Java Flight Recorder events whenever JFR is
 *       available in the JVM, recording or not. On JDK 17 the first of those events makes JFR spin up its event
 *       machinery (about 85 classes of {@code jdk.jfr.internal}, handlers generated with ASM) in every start, for
 *       nothing unless someone records. Measured: docs/PERFORMANCE.md, "Start-up". Who wants Netty's events in a
 *       recording passes {@code -Dio.netty.jfr.enabled=true}.</li>
 * </ul>
 */
public final class JvmDefaults {
    /** Netty's switch for its JFR events (io.netty.util.internal.PlatformDependent reads it once). */
    public static final String NETTY_JFR = "io.netty.jfr.enabled";

    private JvmDefaults() {
    }

    /** Sets each default that the command line did not set. Call it before the first use of Netty. */
    public static void apply() {
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }
}
