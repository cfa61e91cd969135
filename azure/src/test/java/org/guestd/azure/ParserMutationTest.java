// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The three parsers of what the Azure host sends — ovf-env.xml, the goal state, IMDS's JSON — fed
 * thousands of mutants of real documents (bytes flipped, inserted, deleted, chunks repeated,
 * truncated, two documents spliced), from a fixed seed so a failure replays. Each input either
 * parses or fails with the parser's declared error ({@link XmlException}, {@link
 * IllegalArgumentException} for IMDS); any other exception or error (a NullPointerException, an
 * index out of bounds, a stack overflow) fails the test with the input's replay seed. Not a
 * coverage-guided fuzzer (the project's Jazzer targets are for that); it runs in every build.
 */
class ParserMutationTest {
    static final int ROUNDS = 2000;
    static final long SEED = 0x6775657374644AL;
    /** Bytes that mean something to XML or JSON (and NUL, and a lone Latin-1 byte). */
    static final byte[] SPECIAL = "<>&;\"'/=!?[]{}:,\\\0\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    interface Parser {
        void parse(byte[] input) throws Exception;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ParserMutationTest.class.getResourceAsStream("/ovf/" + name)) {
            return in.readAllBytes();
        }
    }

    static byte[] mutate(Random r, byte[] doc, List<byte[]> corpus) {
        byte[] b = doc;
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> { // flip one byte
                    if (b.length > 0) {
                        b = b.clone();
                        b[at] = (byte) r.nextInt(256);
                    }
                }
                case 1 -> b = splice(b, at, 0, new byte[] {SPECIAL[r.nextInt(SPECIAL.length)]});
                case 2 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(16)), new byte[0]);
                case 3 -> { // repeat a chunk (deep nesting, long runs)
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] chunk = Arrays.copyOfRange(b, at, at + len);
                    byte[] rep = new byte[len * (1 + r.nextInt(50))];
                    for (int i = 0; i < rep.length; i++) {
                        rep[i] = chunk[i % Math.max(1, len)];
                    }
                    b = splice(b, at, 0, rep);
                }
                case 4 -> b = Arrays.copyOf(b, at); // truncate
                case 5 -> { // splice in part of another document
                    byte[] other = corpus.get(r.nextInt(corpus.size()));
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    b = splice(b, at, 0, Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + r.nextInt(200))));
                }
                default -> { // a multi-byte or invalid UTF-8 sequence
                    byte[][] seqs = {{(byte) 0xc3, (byte) 0xa9}, {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80},
                        {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}};
                    b = splice(b, at, 0, seqs[r.nextInt(seqs.length)]);
                }
            }
        }
        return b;
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** Runs the mutants; returns how many parsed (the rest failed with the declared error). */
    static int run(String what, List<byte[]> seeds, Parser parser, Class<? extends Exception> declared) {
        int parsed = 0;
        for (int i = 0; i < ROUNDS; i++) {
            Random r = new Random(SEED + i);
            byte[] input = mutate(r, seeds.get(r.nextInt(seeds.size())), seeds);
            try {
                parser.parse(input);
                parsed++;
            } catch (Exception e) {
                if (!declared.isInstance(e)) {
                    fail(what + " round " + i + " (seed " + (SEED + i) + "): " + e + " for input "
                            + new String(input, StandardCharsets.ISO_8859_1), e);
                }
            } catch (StackOverflowError | OutOfMemoryError e) {
                fail(what + " round " + i + " (seed " + (SEED + i) + "): " + e, e);
            }
        }
        return parsed;
    }

    @Test
    void ovfEnvMutants() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("full.xml", "minimal.xml", "missing-hostname.xml", "wrong-namespace-azure.xml",
                "duplicate-hostname.xml", "bad-boolean.xml", "external-entity.xml", "xinclude.xml")) {
            seeds.add(resource(f));
        }
        int parsed = run("ovf-env.xml", seeds, OvfEnv::parse, XmlException.class);
        assertTrue(parsed > 0 && parsed < ROUNDS, parsed + " of " + ROUNDS + " parsed: the mutants reach both outcomes");
    }

    @Test
    void goalStateMutants() {
        List<byte[]> seeds = List.of(GoalStateTest.SAMPLE.getBytes(StandardCharsets.UTF_8));
        int parsed = run("goal state", seeds, GoalState::parse, XmlException.class);
        assertTrue(parsed > 0 && parsed < ROUNDS, parsed + " of " + ROUNDS + " parsed");
    }

    @Test
    void imdsMutants() {
        List<byte[]> seeds = List.of(InstanceMetadataTest.SAMPLE.getBytes(StandardCharsets.UTF_8));
        int parsed = run("IMDS", seeds, b -> InstanceMetadata.parse(new String(b, StandardCharsets.UTF_8)),
                IllegalArgumentException.class);
        assertTrue(parsed > 0 && parsed < ROUNDS, parsed + " of " + ROUNDS + " parsed");
    }

    @Test
    void theMutatorReplaysFromItsSeed() {
        byte[] doc = GoalStateTest.SAMPLE.getBytes(StandardCharsets.UTF_8);
        List<byte[]> corpus = List.of(doc);
        assertEquals(new String(mutate(new Random(42), doc, corpus), StandardCharsets.ISO_8859_1),
                new String(mutate(new Random(42), doc, corpus), StandardCharsets.ISO_8859_1));
    }
}
