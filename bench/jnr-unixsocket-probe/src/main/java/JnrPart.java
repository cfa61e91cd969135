// SPDX-License-Identifier: Apache-2.0
// Measures the first use of a Unix-domain socket (bind, connect, accept, one message) in a fresh JVM:
// the JDK's own UnixDomainSocketAddress channels vs jnr-unixsocket 0.39.6. Not part of the build.
import java.nio.ByteBuffer;
import java.nio.file.Path;
class JnrPart {
    static void run(Path p) throws Exception {
            jnr.unixsocket.UnixServerSocketChannel srv = jnr.unixsocket.UnixServerSocketChannel.open();
            srv.socket().bind(new jnr.unixsocket.UnixSocketAddress(p.toFile()));
            jnr.unixsocket.UnixSocketChannel c = jnr.unixsocket.UnixSocketChannel.open(new jnr.unixsocket.UnixSocketAddress(p.toFile()));
            jnr.unixsocket.UnixSocketChannel s = srv.accept();
            c.write(ByteBuffer.wrap("ping".getBytes()));
            ByteBuffer b = ByteBuffer.allocate(4); s.read(b);
            System.err.println("peer pid " + s.getOption(jnr.unixsocket.UnixSocketOptions.SO_PEERCRED).getPid());
    }
}
