// SPDX-License-Identifier: Apache-2.0
package org.guestd.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Vectors of Drepper's "Unix crypt using SHA-256 and SHA-512" specification, each checked against
 * glibc/libxcrypt's crypt(3) on Debian 12 (python3 crypt.crypt).
 */
class Sha512CryptTest {

    @Test
    void specificationVectors() {
        assertEquals("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
                Sha512Crypt.crypt("Hello world!".toCharArray(), "saltstring", null));
        assertEquals("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
                Sha512Crypt.crypt("Hello world!".toCharArray(), "saltstringsaltstring", 10000));
        assertEquals("$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0",
                Sha512Crypt.crypt("This is just a test".toCharArray(), "toolongsaltstring", 5000));
        assertEquals("$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1",
                Sha512Crypt.crypt("a very much longer text to encrypt.  This one even stretches over morethan one line."
                        .toCharArray(), "anotherlongsaltstring", 1400));
    }

    @Test
    void freshSaltEachTimeAndTheSecretIsRequired() {
        Secret s = Secret.of("pw".toCharArray());
        SecureRandom r = new SecureRandom();
        String a = Sha512Crypt.hash(s, r);
        String b = Sha512Crypt.hash(s, r);
        assertTrue(a.matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}"), a);
        assertNotEquals(a, b);
        String salt = a.substring(3, 19);
        assertEquals(a, Sha512Crypt.crypt("pw".toCharArray(), salt, null));
        s.destroy();
        assertThrows(IllegalStateException.class, () -> Sha512Crypt.hash(s, r));
        assertEquals("Secret[redacted]", s.toString());
    }
}
