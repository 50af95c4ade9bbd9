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
 *   <li>{@value #SLF4J_PROVIDER} = {@code lottery.common.log.LogbackProvider}: SLF4J binds Logback through it, set
 *       up directly, without scanning the class path for providers and Logback for configurators
 *       ({@link lottery.common.log.LogbackProvider} says what that saves). Must be set before the first logger.</li>
 *   <li>{@value #SLF4J_VERBOSITY} = WARN: SLF4J's own messages at WARN and above only; at its default (INFO) it
 *       announces on stderr at every start that it loads the provider named above.</li>
 * </ul>
 */
public final class JvmDefaults {
    /** Netty's switch for its JFR events (io.netty.util.internal.PlatformDependent reads it once). */
    public static final String NETTY_JFR = "io.netty.jfr.enabled";
    /** SLF4J's switch naming its provider class (org.slf4j.LoggerFactory reads it once, at the first logger). */
    public static final String SLF4J_PROVIDER = "slf4j.provider";
    /** The level of SLF4J's own messages on stderr (org.slf4j.helpers.Reporter). */
    public static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    private JvmDefaults() {
    }

    /** Sets each default that the command line did not set. Call it before the first use of Netty or SLF4J. */
    public static void apply() {
        setDefault(NETTY_JFR, "false");
        setDefault(SLF4J_PROVIDER, "lottery.common.log.LogbackProvider");
        setDefault(SLF4J_VERBOSITY, "WARN");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
