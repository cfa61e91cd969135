// SPDX-License-Identifier: Apache-2.0
package org.guestd.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathSearchTest {
    @TempDir
    Path dir;

    private Path file(String rel, String perms) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    @Test
    void aSlashMeansNoSearch() {
        assertEquals(new PathSearch.Result("./x", 0), PathSearch.resolve("./x", null, "/nowhere"));
        assertEquals(new PathSearch.Result(null, PathSearch.ENOENT), PathSearch.resolve("", null, "/bin"));
    }

    @Test
    void theChildsPathWinsThenTheAgentsThenTheDefault() throws Exception {
        Path a = file("a/tool", "rwx------");
        Path b = file("b/tool", "rwx------");
        String agentPath = dir.resolve("b").toString();
        assertEquals(a.toString(), PathSearch.resolve("tool", List.of("X=1", "PATH=" + a.getParent()), agentPath).path());
        assertEquals(b.toString(), PathSearch.resolve("tool", List.of("X=1"), agentPath).path());
        assertEquals(b.toString(), PathSearch.resolve("tool", null, agentPath).path());
        assertEquals("/bin/sh", PathSearch.resolve("sh", null, null).path());
    }

    @Test
    void aCandidateThatCannotRunIsSkippedAndMakesItEacces() throws Exception {
        Path noExec = file("n/tool", "rw-------");
        Path ok = file("o/tool", "rwx------");
        String path = noExec.getParent() + ":" + ok.getParent();
        assertEquals(new PathSearch.Result(ok.toString(), 0), PathSearch.resolve("tool", List.of("PATH=" + path), null));
        assertEquals(new PathSearch.Result(null, PathSearch.EACCES),
                PathSearch.resolve("tool", List.of("PATH=" + noExec.getParent()), null));
        assertEquals(new PathSearch.Result(null, PathSearch.ENOENT),
                PathSearch.resolve("absent-tool", List.of("PATH=" + path), null));
    }
}
