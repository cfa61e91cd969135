// SPDX-License-Identifier: Apache-2.0
package org.guestd.guestinfo.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.guestd.core.testing.FixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsReleaseTest {
    /** qemu's tests/data/test-qga-os-release, byte for byte. */
    static final String QEMU_FIXTURE = "ID=qemu-ga-test\n"
            + "NAME=QEMU-GA\n"
            + "PRETTY_NAME=\"QEMU Guest Agent test\"\n"
            + "VERSION=\"Test 1\"\n"
            + "VERSION_ID=1\n"
            + "VARIANT=\"Unit test \\\"\\'\\$\\`\\\\ and \\\\\\\\ etc.\"\n"
            + "VARIANT_ID=unit-test\n";

    @TempDir
    Path dir;

    private static OsRelease.Fields fields(String text) {
        Map<String, String> keys = OsRelease.parse(text.getBytes(StandardCharsets.UTF_8));
        return keys == null ? null : OsRelease.fields(keys);
    }

    @Test
    void qemuTestFixtureGivesTestQgaExpectations() {
        OsRelease.Fields f = fields(QEMU_FIXTURE);
        assertEquals("qemu-ga-test", f.id());
        assertEquals("QEMU-GA", f.name());
        assertEquals("QEMU Guest Agent test", f.prettyName());
        assertEquals("Test 1", f.version());
        assertEquals("1", f.versionId());
        assertEquals("Unit test \"'$`\\ and \\\\ etc.", f.variant());
        assertEquals("unit-test", f.variantId());
    }

    @Test
    void debianOsRelease() {
        OsRelease.Fields f = fields("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                + "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
                + "HOME_URL=\"https://www.debian.org/\"\n");
        // the values of transcript 07
        assertEquals("debian", f.id());
        assertEquals("Debian GNU/Linux", f.name());
        assertEquals("Debian GNU/Linux 12 (bookworm)", f.prettyName());
        assertEquals("12 (bookworm)", f.version());
        assertEquals("12", f.versionId());
        assertNull(f.variant());
        assertNull(f.variantId());
    }

    @Test
    void unquotedAndSingleQuotedValuesAreCutAtSpaceThenSemicolon() {
        assertEquals("Fedora", OsRelease.replaceSpecial("Fedora Linux"));
        assertEquals("a", OsRelease.replaceSpecial("a;b c"));
        assertEquals("'Arch", OsRelease.replaceSpecial("'Arch Linux'"));
        assertEquals("'x'", OsRelease.replaceSpecial("'x';y"));
        assertEquals("", OsRelease.replaceSpecial(""));
    }

    @Test
    void doubleQuotedValuesAreUnescapedUpToTheClosingQuote() {
        assertEquals("a b", OsRelease.replaceSpecial("\"a b\" trailing"));
        assertEquals("keep \\n and \\x", OsRelease.replaceSpecial("\"keep \\n and \\x\""));
        assertEquals("semi;colon", OsRelease.replaceSpecial("\"semi;colon\""));
        assertEquals("", OsRelease.replaceSpecial("\"\""));
    }

    @Test
    void unterminatedDoubleQuoteLeavesTheOriginalTailBehind() {
        // the copy is shifted left by one and never terminated: qemu prints "abcc"
        assertEquals("abcc", OsRelease.replaceSpecial("\"abc"));
        // a trailing backslash is kept, then the same missing terminator
        assertEquals("ab\\\\", OsRelease.replaceSpecial("\"ab\\"));
        // an escape shortens the copy by one more character
        assertEquals("a\"b\"b", OsRelease.replaceSpecial("\"a\\\"b"));
    }

    @Test
    void glibKeyFileRulesApply() {
        OsRelease.Fields f = fields("# comment\n\n   ID = spaced  \r\nNAME=first\nNAME=second\n"
                + "NAME[de]=Zweite\n[other]\nVERSION=ignored\n[os-release]\nVERSION_ID=7");
        assertEquals("spaced", f.id()); // value trailing blanks are cut by qemu at the first space
        assertEquals("second", f.name());
        assertNull(f.version());
        assertEquals("7", f.versionId());
    }

    @Test
    void filesGlibRefusesCountAsMissing() {
        assertNull(fields("ID=x\nthis line has no equals sign\n"));
        assertNull(fields("=value\n"));
        assertNull(fields("BAD]KEY=1\n"));
        assertNull(fields("KEY[=1\n"));
        assertNull(fields("[]\n"));
        assertNull(fields("Encoding=latin1\n"));
        assertEquals("x", fields("Encoding=utf-8\nID=x\n").id());
        assertNull(OsRelease.parse(new byte[] {'I', 'D', '=', (byte) 0xff, '\n'})); // not UTF-8
        // content after a NUL byte is ignored, as by g_utf8_validate(-1) + strlen
        assertEquals("x", OsRelease.fields(OsRelease.parse(new byte[] {'I', 'D', '=', 'x', 0, (byte) 0xff})).id());
    }

    @Test
    void etcFileFirstThenUsrLibAndOverrideAlone() {
        FixtureTree t = new FixtureTree(dir);
        t.file("usr/lib/os-release", "ID=usrlib\n");
        t.file("override", "ID=override\n");
        Path etc = t.paths().etc("os-release");
        Path usr = dir.resolve("usr/lib/os-release");
        assertEquals("usrlib", OsRelease.read(Optional.empty(), etc, usr).id()); // etc missing
        t.file("etc/os-release", "ID=etc\n");
        assertEquals("etc", OsRelease.read(Optional.empty(), etc, usr).id());
        t.file("etc/os-release", "broken line\n");
        assertEquals("usrlib", OsRelease.read(Optional.empty(), etc, usr).id()); // unparsable → fallback
        assertEquals("override", OsRelease.read(Optional.of(dir.resolve("override")), etc, usr).id());
        // the override is used alone: no fallback when it is missing
        assertEquals(OsRelease.Fields.NONE, OsRelease.read(Optional.of(dir.resolve("missing")), etc, usr));
        // Debian's relative symlink /etc/os-release -> ../usr/lib/os-release
        t.symlink("etc2/os-release", "../usr/lib/os-release");
        assertEquals("usrlib", OsRelease.read(Optional.empty(), dir.resolve("etc2/os-release"), dir.resolve("nope")).id());
    }
}
