// SPDX-License-Identifier: Apache-2.0
package org.guestd.core.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetContentsTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNoTemporary() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "old");
        SetContents.write(f, dir.resolve("f.tmp"), "new \u00e9");
        assertEquals("new \u00e9", Files.readString(f));
        assertFalse(Files.exists(dir.resolve("f.tmp")));
    }

    @Test
    void aFailedRenameRemovesTheTemporaryAndKeepsTheOld() throws Exception {
        Path target = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(target.resolve("inside"), "x"); // a non-empty directory cannot be replaced
        assertThrows(IOException.class, () -> SetContents.write(target, dir.resolve("t.tmp"), "new"));
        assertFalse(Files.exists(dir.resolve("t.tmp")));
        assertEquals("x", Files.readString(target.resolve("inside")));
    }
}
