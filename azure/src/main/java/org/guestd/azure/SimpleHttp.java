// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 client the Azure endpoints need, on a plain socket: one request per connection
 * ({@code Connection: close}), bodies by Content-Length, chunked or until close. Every exchange is
 * bounded: a connect timeout, one deadline for the whole response (a server that trickles bytes
 * cannot hold it longer), a cap on the header section and on the body (a huge body is cut off, not
 * read). Plain HTTP only — the wire server and IMDS are plain-HTTP link-local endpoints — and no
 * redirects, proxies or cookies. (java.net.http would add its own threads and start-up cost to an
 * agent that makes a handful of requests once per VM.)
 */
public final class SimpleHttp {
    /** Largest header section accepted. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private SimpleHttp() {}

    /**
     * Bounds for one exchange.
     *
     * @param connect connect timeout
     * @param response deadline for sending the request and reading the whole response
     * @param maxBody the largest body accepted
     */
    public record Limits(Duration connect, Duration response, int maxBody) {}

    /** A response: status, headers (lower-case names, last value wins), body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        /** The body as UTF-8 text (malformed sequences rejected). */
        public String text() throws HttpFailure {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
            } catch (CharacterCodingException e) {
                throw new HttpFailure(status, "response body is not UTF-8");
            }
        }

        public boolean success() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Sends one request and reads the response.
     *
     * @throws SocketTimeoutException when the connect or the response deadline passes
     * @throws HttpFailure on a malformed or oversized response
     * @throws IOException when the connection fails
     */
    public static Response exchange(String method, URI uri, Map<String, String> headers, byte[] body, Limits limits)
            throws IOException {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http:// URI: " + uri);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        long deadline = System.nanoTime() + limits.response().toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.max(1, limits.connect().toMillis()));
            s.setSoTimeout(remainingMillis(deadline));
            OutputStream out = s.getOutputStream();
            out.write(head(method, uri, port, headers, body).getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = new Deadline(new BufferedInputStream(s.getInputStream()), s, deadline);
            return read(in, method, limits.maxBody());
        }
    }

    private static String head(String method, URI uri, int port, Map<String, String> headers, byte[] body) {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(uri.getHost()).append(port == 80 ? "" : ":" + port).append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + h.getKey() + " has a line break");
            }
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString();
    }

    private static Response read(InputStream in, String method, int maxBody) throws IOException {
        int[] budget = {MAX_HEADER_BYTES};
        String status = line(in, budget);
        if (status == null) {
            throw new HttpFailure("connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new HttpFailure("malformed status line: " + clip(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new HttpFailure("malformed status line: " + clip(status));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String l = line(in, budget);
            if (l == null) {
                throw new HttpFailure(code, "connection closed in the response headers");
            }
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new HttpFailure(code, "malformed header line: " + clip(l));
            }
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        byte[] body;
        if (method.equals("HEAD") || code == 204 || code == 304 || code / 100 == 1) {
            body = new byte[0];
        } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in, maxBody, code);
        } else if (headers.containsKey("content-length")) {
            long n;
            try {
                n = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new HttpFailure(code, "malformed Content-Length: " + clip(headers.get("content-length")));
            }
            if (n < 0 || n > maxBody) {
                throw new HttpFailure(code, "response body of " + n + " bytes is over the limit of " + maxBody);
            }
            body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new HttpFailure(code, "connection closed after " + body.length + " of " + n + " body bytes");
            }
        } else {
            body = upTo(in, maxBody, code);
        }
        return new Response(code, headers, body);
    }

    private static byte[] chunked(InputStream in, int maxBody, int code) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] budget = {MAX_HEADER_BYTES};
        while (true) {
            String sizeLine = line(in, budget);
            if (sizeLine == null) {
                throw new HttpFailure(code, "connection closed in a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip(), 16);
            } catch (NumberFormatException e) {
                throw new HttpFailure(code, "malformed chunk size: " + clip(sizeLine));
            }
            if (n < 0 || out.size() + n > maxBody) {
                throw new HttpFailure(code, "response body is over the limit of " + maxBody + " bytes");
            }
            if (n == 0) {
                while (true) { // trailers
                    String t = line(in, budget);
                    if (t == null || t.isEmpty()) {
                        return out.toByteArray();
                    }
                }
            }
            byte[] chunk = in.readNBytes((int) n);
            if (chunk.length != n) {
                throw new HttpFailure(code, "connection closed in a chunk");
            }
            out.write(chunk);
            String crlf = line(in, budget);
            if (crlf == null || !crlf.isEmpty()) {
                throw new HttpFailure(code, "malformed chunk end");
            }
        }
    }

    private static byte[] upTo(InputStream in, int maxBody, int code) throws IOException {
        byte[] b = in.readNBytes(maxBody + 1);
        if (b.length > maxBody) {
            throw new HttpFailure(code, "response body is over the limit of " + maxBody + " bytes");
        }
        return b;
    }

    /** One line without its CRLF (or LF); null at end of stream before any byte. */
    private static String line(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (--budget[0] < 0) {
                throw new HttpFailure("response header section over " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
    }

    private static String clip(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("response deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Re-arms the socket's read timeout before every read so the whole response has one deadline. */
    private static final class Deadline extends InputStream {
        private final InputStream in;
        private final Socket socket;
        private final long deadline;

        Deadline(InputStream in, Socket socket, long deadline) {
            this.in = in;
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(remainingMillis(deadline));
            return in.read(b, off, len);
        }
    }
}
