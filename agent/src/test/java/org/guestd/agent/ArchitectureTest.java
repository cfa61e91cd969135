// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of guestd, as rules a change cannot break without failing {@code mvn verify}
 * (ARCHITECTURE.md explains the why). Production classes only; the packages of each layer:
 * <ul>
 * <li>core: {@code org.guestd.core} — the contract; depends on no other guestd module;
 * <li>native: {@code org.guestd.jna}, {@code org.guestd.transport}, {@code org.guestd.os}, {@code
 *     org.guestd.vmbus} — the only
 *     code that binds the OS through JNA;
 * <li>features: what the guest is and can do, protocol-neutral;
 * <li>protocols: a hypervisor's wire, translated onto features; they do no OS work themselves;
 * <li>tools: the guest administrator's tools ({@code guestctl}), which read what the agent and the
 *     features leave on disk; they may use features, never protocols or the agent, and nothing uses them;
 * <li>agent: the composition root, the only module that sees everything;
 * <li>host side: host tools, emulators and the VM suites, never part of the agent.
 * </ul>
 * A new top-level package must be placed in a layer here, or {@link #everyPackageHasALayer} fails.
 */
class ArchitectureTest {
    static final String[] CORE = {"org.guestd.core.."};
    static final String[] NATIVE = {"org.guestd.jna..", "org.guestd.transport..", "org.guestd.os..",
        "org.guestd.vmbus.."};
    static final String[] FEATURES = {"org.guestd.guestinfo..", "org.guestd.heartbeat..", "org.guestd.timesync..",
        "org.guestd.shutdown..", "org.guestd.memory..", "org.guestd.freeze..", "org.guestd.kvp..",
        "org.guestd.process..", "org.guestd.files..", "org.guestd.accounts..", "org.guestd.provisioning.."};
    static final String[] PROTOCOLS = {"org.guestd.qga..", "org.guestd.hyperv..", "org.guestd.xen..",
        "org.guestd.azure.."};
    static final String[] TOOLS = {"org.guestd.ctl.."};
    static final String[] AGENT = {"org.guestd.agent.."};
    static final String[] HOST_SIDE = {"org.guestd.host..", "org.guestd.e2e.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.guestd");
    }

    private static String[] all(String[]... groups) {
        List<String> out = new ArrayList<>();
        for (String[] g : groups) {
            out.addAll(List.of(g));
        }
        return out.toArray(String[]::new);
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> unplaced = new TreeSet<>();
        String[] known = all(CORE, NATIVE, FEATURES, PROTOCOLS, TOOLS, AGENT, HOST_SIDE);
        classes.forEach(c -> {
            String pkg = c.getPackageName();
            boolean placed = false;
            for (String k : known) {
                String base = k.substring(0, k.length() - 2);
                if (pkg.equals(base) || pkg.startsWith(base + ".")) {
                    placed = true;
                }
            }
            if (!placed) {
                unplaced.add(pkg);
            }
        });
        if (!unplaced.isEmpty()) {
            throw new AssertionError("packages in no layer (add them to ArchitectureTest): " + unplaced);
        }
    }

    @Test
    void coreDependsOnNoOtherModule() {
        check(noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage(all(NATIVE, FEATURES, PROTOCOLS, TOOLS, AGENT, HOST_SIDE)));
    }

    @Test
    void onlyNativeImportsJna() {
        check(noClasses().that().resideOutsideOfPackages(NATIVE).should().dependOnClassesThat()
                .resideInAnyPackage("com.sun.jna.."));
    }

    @Test
    void nativeSeesOnlyCore() {
        check(noClasses().that().resideInAnyPackage(NATIVE).should().dependOnClassesThat()
                .resideInAnyPackage(all(FEATURES, PROTOCOLS, TOOLS, AGENT, HOST_SIDE)));
    }

    @Test
    void featuresNeverImportProtocolsTransportsOrTheAgent() {
        check(noClasses().that().resideInAnyPackage(FEATURES).should().dependOnClassesThat()
                .resideInAnyPackage(all(PROTOCOLS, TOOLS, AGENT, HOST_SIDE, new String[] {"org.guestd.transport.."})));
    }

    @Test
    void toolsSeeFeaturesNotProtocols() {
        // guestctl reads files (the status file, the pools, /proc); it never speaks a channel's wire
        check(noClasses().that().resideInAnyPackage(TOOLS).should().dependOnClassesThat()
                .resideInAnyPackage(all(PROTOCOLS, AGENT, HOST_SIDE, new String[] {"org.guestd.transport.."})));
        check(noClasses().that().resideInAnyPackage(all(PROTOCOLS)).should().dependOnClassesThat()
                .resideInAnyPackage(TOOLS).allowEmptyShould(true));
    }

    @Test
    void protocolsDoNoOsWork() {
        // a protocol reaches the OS only through its transport (native) and the features
        check(noClasses().that().resideInAnyPackage(PROTOCOLS).should().dependOnClassesThat()
                .resideInAnyPackage("org.guestd.jna..", "org.guestd.os..", "com.sun.jna.."));
        check(noClasses().that().resideInAnyPackage(PROTOCOLS).should().dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.ProcessBuilder")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Runtime")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile"));
    }

    @Test
    void protocolsDoNotKnowEachOther() {
        for (String p : PROTOCOLS) {
            List<String> others = new ArrayList<>(List.of(PROTOCOLS));
            others.remove(p);
            check(noClasses().that().resideInAPackage(p).should().dependOnClassesThat()
                    .resideInAnyPackage(others.toArray(String[]::new)).allowEmptyShould(true));
        }
    }

    @Test
    void onlyTheAgentSeesTheAgent() {
        check(classes().that().resideInAnyPackage(AGENT).should().onlyHaveDependentClassesThat()
                .resideInAnyPackage(all(AGENT, HOST_SIDE)));
    }

    @Test
    void nothingTheAgentShipsDependsOnHostSideCode() {
        check(noClasses().that().resideOutsideOfPackages(HOST_SIDE).should().dependOnClassesThat()
                .resideInAnyPackage(HOST_SIDE));
    }
}
