package dev.rlproxy.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** House rule 1: the core has no I/O framework dependencies; adapters depend on core, never the reverse. */
class CoreStaysPureTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.rlproxy.core");

    @Test
    void coreDependsOnNoFrameworkOrAdapter() {
        noClasses().that().resideInAPackage("dev.rlproxy.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.netty..", "redis.clients..", "com.codahale.metrics..", "io.dropwizard..",
                        "io.prometheus..", "picocli..", "com.github.tomakehurst..", "org.wiremock..",
                        "dev.rlproxy.server..")
                .check(core);
    }
}
