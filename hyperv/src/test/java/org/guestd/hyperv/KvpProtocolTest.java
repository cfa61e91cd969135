// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.guestd.host.hyperv.KvpMessages;
import org.guestd.host.hyperv.KvpReply;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The KVP daemon logic, message in, message out (host's message builders, guestd's protocol). */
class KvpProtocolTest {
    private final MemoryKvpStore store = new MemoryKvpStore();
    private final FakeIntrinsics intrinsics = new FakeIntrinsics().auto("FullyQualifiedDomainName", "vm.example")
            .auto("IntegrationServicesVersion", "guestd");
    private KvpProtocol kvp;

    @BeforeEach
    void registered() throws Exception {
        intrinsics.adapter("{guid}");
        kvp = new KvpProtocol(store, intrinsics);
        byte[] reg = kvp.register();
        assertEquals(7432, reg.length);
        assertEquals(100, reg[0]);
        assertNull(kvp.handle(KvpMessages.registrationReply("3.1")), "the handshake reply is not answered");
        assertEquals("3.1", kvp.driverVersion());
    }

    private KvpReply send(byte[] m) {
        byte[] r = kvp.handle(m);
        assertNotNull(r);
        assertEquals(7432, r.length);
        return new KvpReply(r);
    }

    @Test
    void setThenGetPutsTheValueWhereTheKernelReadsIt() throws Exception {
        assertTrue(send(KvpMessages.set(1, "key", "välue")).ok());
        assertArrayEquals("välue".getBytes(StandardCharsets.UTF_8), store.get(1, "key".getBytes()).orElseThrow());
        KvpReply r = send(KvpMessages.get(1, "key"));
        assertTrue(r.ok());
        assertEquals("välue", r.value(), "offset 532, the kernel's kvp_enum_data.data.value");
    }

    @Test
    void debugLogsEveryAddModifyDeleteAndDumpsThePoolsLikeHvKvpDaemonDashD() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory
                .getLogger("org.guestd.hyperv");
        ch.qos.logback.classic.Level was = logger.getLevel();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
            send(KvpMessages.set(1, "k", "v1"));
            send(KvpMessages.set(1, "k", "v2"));
            send(KvpMessages.delete(1, "k"));
            send(KvpMessages.delete(1, "k")); // not there: nothing to log
            send(KvpMessages.set(3, "host", "h"));
            kvp.dumpPools();
            logger.setLevel(ch.qos.logback.classic.Level.INFO);
            send(KvpMessages.set(1, "quiet", "q"));
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(was);
        }
        List<String> lines = appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("kvp: pool")).toList();
        assertEquals(List.of("kvp: pool 1: added key 'k' value 'v1'", "kvp: pool 1: modified key 'k' value 'v2'",
                "kvp: pool 1: deleted key 'k'", "kvp: pool 3: added key 'host' value 'h'",
                "kvp: pool 0: 0 records", "kvp: pool 1: 0 records", "kvp: pool 3 #0: key 'host' value 'h'",
                "kvp: pool 3: 1 records", "kvp: pool 4: 0 records"), lines);
    }

    @Test
    void enumerateIndicesAreUnsigned() throws Exception {
        for (int pool = 0; pool < 5; pool++) {
            send(KvpMessages.set(pool, "k" + pool, "v"));
            for (int index : new int[] {Integer.MIN_VALUE, -1, Integer.MIN_VALUE + 1, Integer.MAX_VALUE}) {
                KvpReply r = send(KvpMessages.enumerate(pool, index));
                assertEquals(HvStatus.S_CONT, r.status(), "pool " + pool + " index "
                        + Integer.toUnsignedString(index) + ": past the end (hv_kvp_daemon reads record[(int) index])");
            }
            assertTrue(send(KvpMessages.enumerate(pool, 0)).ok());
        }
    }

    @Test
    void missingKeysAreHvSCont() {
        assertEquals(HvStatus.S_CONT, send(KvpMessages.get(0, "nope")).status());
        assertEquals(HvStatus.S_CONT, send(KvpMessages.delete(0, "nope")).status());
    }

    @Test
    void overwriteKeepsOrderAndDeleteShifts() {
        send(KvpMessages.set(3, "a", "1"));
        send(KvpMessages.set(3, "b", "2"));
        send(KvpMessages.set(3, "a", "3"));
        assertEquals("a", send(KvpMessages.enumerate(3, 0)).enumKey());
        assertEquals("3", send(KvpMessages.enumerate(3, 0)).value());
        assertTrue(send(KvpMessages.delete(3, "a")).ok());
        assertEquals("b", send(KvpMessages.enumerate(3, 0)).enumKey());
        assertEquals(HvStatus.S_CONT, send(KvpMessages.enumerate(3, 1)).status(), "past the end");
    }

    @Test
    void maxSizesAreStoredAndOneMoreIsRefused() throws Exception {
        String key = "k".repeat(511);
        String value = "v".repeat(2047);
        assertTrue(send(KvpMessages.set(0, key, value)).ok());
        assertEquals(value, send(KvpMessages.get(0, key)).value());
        byte[] tooLong = KvpMessages.set(0, "x", "y");
        Wire.putU32(tooLong, KvpWire.OFF_SET_VALUE_SIZE, 2049);
        assertEquals(HvStatus.S_CONT, send(tooLong).status());
        byte[] unterminated = KvpMessages.set(0, "z", "y");
        Arrays.fill(unterminated, 16, 528, (byte) 'z');
        Wire.putU32(unterminated, KvpWire.OFF_SET_KEY_SIZE, 512);
        assertEquals(HvStatus.S_CONT, send(unterminated).status(), "a key with no room for its NUL");
        assertEquals(1, store.list(0).size());
    }

    @Test
    void autoPoolIsGeneratedInOrder() {
        KvpReply r = send(KvpMessages.enumerate(2, 1));
        assertEquals("IntegrationServicesVersion", r.enumKey());
        assertEquals("guestd", r.value());
        assertEquals(HvStatus.S_CONT, send(KvpMessages.enumerate(2, 2)).status());
    }

    @Test
    void badPoolsAndSizesAreRefusedNotStored() throws Exception {
        assertEquals(HvStatus.E_FAIL, send(KvpMessages.set(7, "k", "v")).status());
        byte[] reply = kvp.handle(new byte[100]);
        assertEquals(7432, reply.length, "the kernel accepts only whole messages back");
        assertEquals(HvStatus.E_FAIL, Wire.u32(reply, 0));
        for (int p = 0; p < 5; p++) {
            assertTrue(store.list(p).isEmpty());
        }
    }

    @Test
    void unknownOpIsEchoedWithStatusZeroAsTheReference() {
        byte[] m = KvpMessages.set(1, "k", "v");
        m[0] = 42;
        assertTrue(send(m).ok());
    }

    @Test
    void ipInfoByMacAndSetIpInfo() {
        intrinsics.byMac.put("00:15:5D:00:00:01", new KvpIntrinsics.IpConfig("00:15:5D:00:00:01", 3, true,
                List.of("10.0.0.5", "fe80::1"), List.of("255.255.255.0", "/64"), List.of("10.0.0.1"),
                List.of("10.0.0.2", "10.0.0.3")));
        KvpReply r = send(KvpMessages.getIpInfo("00:15:5D:00:00:01", 3));
        assertTrue(r.ok());
        assertEquals("10.0.0.5;fe80::1", r.ipAddresses());
        assertEquals("255.255.255.0;/64", r.subnets());
        assertEquals("10.0.0.1;", r.gateways());
        assertEquals("10.0.0.2;10.0.0.3;", r.dnsServers());
        assertEquals(3, r.addressFamily());
        assertTrue(r.dhcpEnabled());
        assertEquals(HvStatus.E_FAIL, send(KvpMessages.getIpInfo("00:00:00:00:00:00", 3)).status());

        assertTrue(send(KvpMessages.setIpInfo("{guid}", 1, false, "10.1.1.1;10.1.1.2", "255.0.0.0;255.0.0.0",
                "10.1.1.254", "8.8.8.8;")).ok());
        KvpIntrinsics.IpConfig c = intrinsics.applied.get(0);
        assertEquals("{guid}", c.adapterId());
        assertEquals(List.of("10.1.1.1", "10.1.1.2"), c.ipAddresses());
        assertEquals(List.of("8.8.8.8"), c.dnsServers());
        assertEquals(HvStatus.GUID_NOTFOUND, send(KvpMessages.setIpInfo("{other}", 1, true, "", "", "", "")).status());
        intrinsics.failSet = true;
        assertEquals(HvStatus.E_FAIL, send(KvpMessages.setIpInfo("{guid}", 1, true, "", "", "", "")).status());
        // the reason the intrinsics give picks the status, as the reference's kvp_set_ip_info returns them
        intrinsics.failReason = KvpException.Reason.INVALID_ADDRESS;
        assertEquals(HvStatus.INVALIDARG, send(KvpMessages.setIpInfo("{guid}", 1, false, "x", "", "", "")).status());
        intrinsics.failReason = KvpException.Reason.ADAPTER_NOT_FOUND;
        assertEquals(HvStatus.GUID_NOTFOUND, send(KvpMessages.setIpInfo("{guid}", 1, true, "", "", "", "")).status());
        intrinsics.failReason = KvpException.Reason.INVALID_ARGUMENT;
        assertEquals(HvStatus.E_FAIL, send(KvpMessages.setIpInfo("{guid}", 1, true, "", "", "", "")).status());
    }

    @Test
    void longValuesAreCutAtACharacterBoundary() {
        byte[] m = new byte[20];
        String s = "é".repeat(10); // 20 bytes
        assertEquals(18, Wire.putCString(m, 0, 20, s.getBytes(StandardCharsets.UTF_8)), "19 would split an é");
        assertEquals("é".repeat(9), Wire.cString(m, 0, 20));
    }
}
