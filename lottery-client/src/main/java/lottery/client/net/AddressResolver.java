package lottery.client.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.List;

/**
 * Every address of the server's host, looked up again at each connection attempt. {@link ClientTransport} tries them
 * in turn (failover), so a host name with several addresses (Docker Compose's DNS round robin over server replicas
 * sharing one network alias) spreads the agencies over the replicas and lets an agency go on with another one when
 * its server is gone. Tests inject a resolver with a fixed or changing list.
 */
@FunctionalInterface
public interface AddressResolver {
    /** The system resolver: {@link InetAddress#getAllByName} (all the A/AAAA records, not only the first). */
    AddressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * Every address of {@code host} (an IP literal gives itself).
     *
     * @throws UnknownHostException when the name does not resolve (yet: a server container that has not joined the
     *                              network has no name); the caller retries like a refused connection
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * Turns the JVM's name cache off for this process: {@code networkaddress.cache.ttl} and
     * {@code networkaddress.cache.negative.ttl} = 0 (the defaults without a security manager are 30 s and 10 s).
     * Why: the list must be fresh at each attempt. Docker's DNS drops a stopped replica from the alias and a
     * restarted one comes back with another address; a cached list would keep offering the dead address, and hide
     * the new one, for 30 s; a cached "unknown host" (the server's container not on the network yet) would delay the
     * first connection by up to 10 s. The lookups are few (one per connection attempt, not per message) and go to
     * the container's local resolver, so not caching costs nothing that matters.
     *
     * <p>Must run before the process's first name lookup: the JVM reads these properties once. {@code ClientMain}
     * calls it in its static initializer, before logging starts. A property that is 0 already is left alone: the
     * launchers set both from a file ({@code -Djava.security.properties=}, deploy/jvm/client.security), because
     * {@code Security.setProperty} reports each change to the JDK's own {@code System.Logger}, whose first look-up
     * scans the class path (opens and indexes the jar: docs/PERFORMANCE.md "Issue 22, sixth pass").
     */
    static void disableJvmDnsCache() {
        for (String key : List.of("networkaddress.cache.ttl", "networkaddress.cache.negative.ttl")) {
            if (!"0".equals(Security.getProperty(key))) {
                Security.setProperty(key, "0");
            }
        }
    }
}
