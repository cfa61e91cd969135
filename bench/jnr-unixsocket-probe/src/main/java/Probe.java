// SPDX-License-Identifier: Apache-2.0
// Measures the first use of a Unix-domain socket (bind, connect, accept, one message) in a fresh JVM:
// the JDK's own UnixDomainSocketAddress channels vs jnr-unixsocket 0.39.6. Not part of the build.
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.*;

public class Probe {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        Path p = Files.createTempDirectory("jp").resolve("s");
        if (a[0].equals("jdk")) {
            ServerSocketChannel srv = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            srv.bind(UnixDomainSocketAddress.of(p));
            SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(p));
            SocketChannel s = srv.accept();
            c.write(ByteBuffer.wrap("ping".getBytes()));
            ByteBuffer b = ByteBuffer.allocate(4); s.read(b);
        } else {
            JnrPart.run(p);
        }
        System.out.printf("%s first use %.1f ms%n", a[0], (System.nanoTime() - t0) / 1e6);
    }
}
