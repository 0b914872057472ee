package dev.tether.ring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The placement library is a pure function of its inputs: no clock, no randomness, no threads, no
 * I/O, and no dependency but hash4j (DESIGN.md section 2).
 */
@AnalyzeClasses(packages = "dev.tether.ring", importOptions = ImportOption.DoNotIncludeTests.class)
class RingArchitectureTest {
  @ArchTest
  static final ArchRule noClock =
      noClasses()
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.time..")
          .because("time is an input to the ring, never read from a clock");

  @ArchTest
  static final ArchRule noRandomness =
      noClasses()
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.Random")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.SplittableRandom")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.SecureRandom")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
          .orShould()
          .callMethod(Math.class, "random")
          .because("placement must be deterministic");

  @ArchTest
  static final ArchRule noThreads =
      noClasses()
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.Thread")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.ThreadLocal")
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.util.concurrent..")
          .because("the ring is single-threaded pure code");

  @ArchTest
  static final ArchRule noIo =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "java.nio.channels..")
          .because("the ring does no I/O");

  @ArchTest
  static final ArchRule onlyHash4jBesidesTheJdk =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages("java..", "dev.tether.ring..", "com.dynatrace.hash4j..")
          .because("the ring has no dependency but hash4j");
}
