package lottery.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture as rules the build checks (docs/ARCHITECTURE.md draws the same arrows): a shortcut fails here
 * instead of waiting for a reviewer. The rules read the main classes of every module this module sees (protocol,
 * common, server, client), never their tests.
 *
 * <p>The server's packages, one job each: {@code lottery.server} starts and stops (and is the only one that names a
 * storage engine), {@code net} is the Netty glue, {@code round} the lottery's rules (no Netty, no engine),
 * {@code store} the storage contract, {@code store.csv} and {@code store.postgres} the engines. The arrows:
 * net → round → store ← store.csv, store.postgres; {@code ops} (the opt-in HTTP endpoint: metrics, health, status)
 * reads round and store, and only start-up uses it.
 *
 * <p>Each rule is written for a root package, so the last tests can show it failing on {@code lottery.it.arch.broken},
 * a small tree of classes that break it on purpose.
 */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses broken;

    @BeforeAll
    static void importClasses() {
        // Test classes: this module's (test-classes) and the server's test jar (its in-process TestServer).
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("lottery.protocol", "lottery.common", "lottery.server", "lottery.client");
        broken = new ClassFileImporter().importPackages("lottery.it.arch.broken");
    }

    /** The server's layers and who may use each. */
    static ArchRule serverLayers(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("start-up").definedBy(root)
                .layer("net").definedBy(root + ".net..")
                .layer("round").definedBy(root + ".round..")
                .layer("store").definedBy(root + ".store")
                .layer("csv engine").definedBy(root + ".store.csv..")
                .layer("postgres engine").definedBy(root + ".store.postgres..")
                .optionalLayer("ops").definedBy(root + ".ops..")
                .whereLayer("start-up").mayNotBeAccessedByAnyLayer()
                .whereLayer("net").mayOnlyBeAccessedByLayers("start-up")
                .whereLayer("round").mayOnlyBeAccessedByLayers("net", "start-up", "ops")
                .whereLayer("store").mayOnlyBeAccessedByLayers("round", "csv engine", "postgres engine", "start-up",
                        "ops")
                .whereLayer("ops").mayOnlyBeAccessedByLayers("start-up")
                .whereLayer("csv engine").mayOnlyBeAccessedByLayers("start-up")
                .whereLayer("postgres engine").mayOnlyBeAccessedByLayers("start-up")
                .allowEmptyShould(false);
    }

    /** The rules of the lottery see neither the network library nor a database library. */
    static ArchRule roundSeesNoNettyAndNoDatabase(String root) {
        return noClasses().that().resideInAPackage(root + ".round..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.sql..", "javax.sql..",
                        "org.postgresql..", "com.zaxxer..", "org.flywaydb..", "io.prometheus..")
                .allowEmptyShould(false);
    }

    /** The storage contract depends on no engine and no database library (an engine depends on it). */
    static ArchRule storeContractIsNeutral(String root) {
        return noClasses().that().resideInAPackage(root + ".store")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.sql..", "org.postgresql..",
                        "com.zaxxer..", "org.flywaydb..", "com.fasterxml..")
                .allowEmptyShould(false);
    }

    @Test
    void theServerLayersPointOneWay() {
        serverLayers("lottery.server").check(main);
    }

    @Test
    void theRulesSeeNoNettyAndNoDatabase() {
        roundSeesNoNettyAndNoDatabase("lottery.server").check(main);
    }

    @Test
    void theStorageContractNamesNoEngine() {
        storeContractIsNeutral("lottery.server").check(main);
    }

    @Test
    void theProtocolDependsOnNothingOfOurs() {
        classes().that().resideInAPackage("lottery.protocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("lottery.protocol..", "java..", "io.netty..")
                .check(main);
    }

    @Test
    void commonCodeDependsOnNoProgram() {
        noClasses().that().resideInAPackage("lottery.common..")
                .should().dependOnClassesThat().resideInAnyPackage("lottery.server..", "lottery.client..")
                .check(main);
    }

    @Test
    void theServerAndTheClientShareOnlyTheProtocolAndCommonCode() {
        noClasses().that().resideInAPackage("lottery.server..")
                .should().dependOnClassesThat().resideInAPackage("lottery.client..").check(main);
        noClasses().that().resideInAPackage("lottery.client..")
                .should().dependOnClassesThat().resideInAPackage("lottery.server..").check(main);
    }

    @Test
    void noMainClassUsesTestCode() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("lottery.testkit..", "org.junit..", "org.assertj..", "org.mockito..")
                .check(main);
    }

    @Test
    void noPublicStaticStateToResetFromTests() {
        publicStaticFieldsAreConstants().check(main);
    }

    /**
     * A public static field is a constant: final, and of a type whose value cannot change (a primitive, a string, an
     * enum, a record, a duration, a path, a pattern or an unmodifiable collection), or a stateless singleton of its own class (Netty's {@code INSTANCE}
     * of a sharable handler). Anything else is shared mutable state that tests reach in to reset.
     */
    static ArchRule publicStaticFieldsAreConstants() {
        // The collections are taken as immutable: every such constant here is built with List.of/Set.of/Map.of.
        Set<String> immutable = Set.of(String.class.getName(), Duration.class.getName(), Pattern.class.getName(),
                Integer.class.getName(), Long.class.getName(), Boolean.class.getName(), Path.class.getName(),
                List.class.getName(), Set.class.getName(), Map.class.getName());
        return fields().that().areStatic().and().arePublic()
                .should(new ArchCondition<JavaField>("be constants (final, of an immutable type)") {
                    @Override
                    public void check(JavaField field, ConditionEvents events) {
                        JavaClass type = field.getRawType();
                        boolean constantType = type.isPrimitive() || type.isEnum() || type.isRecord()
                                || immutable.contains(type.getName()) || type.equals(field.getOwner());
                        boolean ok = field.getModifiers().contains(JavaModifier.FINAL) && constantType;
                        if (!ok) {
                            events.add(SimpleConditionEvent.violated(field, field.getFullName() + " of type "
                                    + type.getName() + " is public static state, not a constant"));
                        }
                    }
                })
                .allowEmptyShould(true);
    }

    @Test
    void eachRuleFailsOnAClassThatBreaksIt() {
        String root = "lottery.it.arch.broken";
        assertThatThrownBy(() -> serverLayers(root).check(broken)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("StoreThatCallsTheRules");
        assertThatThrownBy(() -> roundSeesNoNettyAndNoDatabase(root).check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("io.netty");
        assertThatThrownBy(() -> storeContractIsNeutral(root).check(broken)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("java.sql");
        assertThatThrownBy(() -> publicStaticFieldsAreConstants().check(broken)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("RESETTABLE");
    }
}
