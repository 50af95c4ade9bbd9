package lottery.common.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding both programs name ({@code -Dslf4j.provider}, set by
 * {@link lottery.common.lifecycle.JvmDefaults}): Logback, set up directly by {@link Logging.Configurator#apply}
 * instead of through Logback's own provider. The output is the same; what it skips is the start-up work of the
 * general path, done in every JVM for a configuration both programs know in advance: SLF4J's scan of the class path
 * for providers, and Logback's search for configurators, whose ranking reads an annotation of each (a dynamic proxy
 * and the method-handle classes behind it, spun at run time). Measured in docs/PERFORMANCE.md "Start-up".
 *
 * <p>When a configuration file is asked for ({@code -Dlogback.configurationFile}, which the modules' Surefire
 * configuration sets to their {@code logback-test.xml}), everything goes to Logback's own provider, so Logback's rules
 * apply unchanged.
 *
 * <p>Thread context: SLF4J calls {@link #initialize} once, before any other method.
 */
public final class LogbackProvider implements SLF4JServiceProvider {
    /** The SLF4J API version Logback's provider asks for; this one asks the same. */
    private static final String API_VERSION = "2.0.99";

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    /** For SLF4J, which instantiates the class it is named by. */
    public LogbackProvider() {
    }

    @Override
    public void initialize() {
        if (Logging.Configurator.fileRequested()) {
            LogbackServiceProvider logback = new LogbackServiceProvider();
            logback.initialize();
            loggerFactory = logback.getLoggerFactory();
            markerFactory = logback.getMarkerFactory();
            mdcAdapter = logback.getMDCAdapter();
            return;
        }
        LoggerContext context = new LoggerContext();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        LogbackMDCAdapter mdc = new LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        Logging.Configurator.apply(context);
        context.start();
        loggerFactory = context;
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = mdc;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }
}
