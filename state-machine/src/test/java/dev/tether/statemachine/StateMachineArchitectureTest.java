package dev.tether.statemachine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The pure core of DESIGN.md section 2, as rules over the compiled classes: {@code
 * ..statemachine.core..} reads no clock, draws no random numbers, starts no threads, does no I/O,
 * and knows nothing of its adapters (store, Ratis, RocksDB). Time and identities arrive in the
 * commands; the adapter persists.
 */
@AnalyzeClasses(
    packages = "dev.tether.statemachine.core",
    importOptions = ImportOption.DoNotIncludeTests.class)
class StateMachineArchitectureTest {
  private static final String CORE = "..statemachine.core..";

  @ArchTest
  static final ArchRule coreReadsNoClock =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.time..")
          .because("time arrives in the command batch, stamped by the leader");

  @ArchTest
  static final ArchRule coreDrawsNoRandomNumbers =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.Random")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.SplittableRandom")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.security.SecureRandom")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.util.random.RandomGenerator")
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callMethod(StrictMath.class, "random")
          .orShould()
          .callMethod(java.util.UUID.class, "randomUUID")
          .because("every replica must compute the same state from the same log");

  @ArchTest
  static final ArchRule coreStartsNoThreads =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(ThreadLocal.class)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("java.util.concurrent..")
          .because("apply runs on one thread, the adapter's");

  @ArchTest
  static final ArchRule coreDoesNoIo =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .haveNameMatching("java\\.io\\.File.*")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..")
          .because("the adapter persists; the core only reads and writes its KvStore");

  @ArchTest
  static final ArchRule coreKnowsNoAdapter =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "..statemachine.store..",
              "..statemachine.ratis..",
              "..statemachine.testing..",
              "org.apache.ratis..",
              "org.rocksdb..")
          .because("the core runs the same over any store, with or without Ratis");
}
