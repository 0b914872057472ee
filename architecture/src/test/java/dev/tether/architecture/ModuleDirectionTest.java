package dev.tether.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module dependency direction of DESIGN.md section 2, over the classes of every module: {@code
 * ring <- state-machine <- daemon}; {@code proto <- everything that speaks the API}; {@code client}
 * never depends on {@code daemon} or {@code state-machine}; {@code cli} depends on {@code client}
 * (and {@code daemon} only for the daemon subcommand); nothing depends on the tools ({@code cli},
 * {@code bench}, {@code chaos}) but the tools themselves.
 */
@AnalyzeClasses(packages = "dev.tether", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleDirectionTest {
  @ArchTest
  static final ArchRule modulesDependOnlyDownward =
      layeredArchitecture()
          .consideringOnlyDependenciesInAnyPackage("dev.tether..")
          .withOptionalLayers(true)
          .layer("ring")
          .definedBy("dev.tether.ring..")
          .layer("proto")
          .definedBy("dev.tether.proto..", "dev.tether.api..")
          .layer("state-machine")
          .definedBy("dev.tether.statemachine..")
          .layer("client")
          .definedBy("dev.tether.client..")
          .layer("daemon")
          .definedBy("dev.tether.daemon..")
          .layer("bench")
          .definedBy("dev.tether.bench..")
          .layer("chaos")
          .definedBy("dev.tether.chaos..")
          .layer("cli")
          .definedBy("dev.tether.cli..")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("chaos")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("bench")
          .mayOnlyBeAccessedByLayers("cli", "chaos")
          .whereLayer("daemon")
          .mayOnlyBeAccessedByLayers("cli", "chaos", "bench")
          .whereLayer("client")
          .mayOnlyBeAccessedByLayers("cli", "chaos", "bench")
          .whereLayer("state-machine")
          .mayOnlyBeAccessedByLayers("daemon", "chaos", "bench")
          .whereLayer("proto")
          .mayOnlyBeAccessedByLayers("state-machine", "client", "daemon", "cli", "chaos", "bench")
          .whereLayer("ring")
          .mayOnlyBeAccessedByLayers("state-machine", "client", "daemon", "cli", "chaos", "bench")
          .whereLayer("ring")
          .mayNotAccessAnyLayer()
          .whereLayer("proto")
          .mayNotAccessAnyLayer()
          .whereLayer("state-machine")
          .mayOnlyAccessLayers("ring", "proto")
          .whereLayer("client")
          .mayOnlyAccessLayers("ring", "proto");
}
