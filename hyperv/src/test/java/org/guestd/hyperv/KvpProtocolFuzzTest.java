// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.guestd.hyperv.KvpWire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpStore;

/**
 * Fuzz target: hv_kvp messages as the kernel's char device delivers them (whole 7432-byte messages,
 * or any other size a broken device could give), through the protocol's quick path and its worker
 * path as the endpoint uses them, onto an in-memory store and scripted intrinsics (nothing runs,
 * nothing is written to disk). Message fields are built from the fuzzer's data: op, pool, the size
 * fields (any u32), keys and values (any bytes), the IP-info strings.
 *
 * <p>Checks: nothing thrown; a reply is 7432 bytes (none only for the kernel's handshake reply);
 * the quick path answers exactly as the worker path would; and the store matches a model kept from
 * the replies — a SET answered S_OK stored its key and value, a DELETE answered S_OK removed it,
 * a GET answers S_OK with the model's value or S_CONT when the model has none.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/hyperv/KvpProtocolFuzzTestInputs/messages/};
 * long runs: {@code bin/fuzz KvpProtocolFuzzTest [SECONDS]}.
 */
public class KvpProtocolFuzzTest {

    static byte[] message(FuzzedDataProvider d) {
        if (d.consumeInt(0, 15) == 0) { // a message of the wrong size
            return d.consumeBytes(d.consumeInt(0, MSG_SIZE + 100));
        }
        byte[] m = new byte[MSG_SIZE];
        int op = d.consumeInt(0, 7) == 0 ? d.consumeInt(0, 255) : d.consumeInt(0, 5);
        m[OFF_OP] = (byte) op;
        m[OFF_POOL] = (byte) (d.consumeInt(0, 7) == 0 ? d.consumeInt(0, 255) : d.consumeInt(0, 4));
        switch (op) {
            case OP_SET, OP_GET -> {
                byte[] key = d.consumeBytes(d.consumeInt(0, 520));
                byte[] value = d.consumeBytes(d.consumeInt(0, 2060));
                Wire.putU32(m, OFF_SET_KEY_SIZE, d.consumeBoolean() ? key.length + 1 : d.consumeInt());
                Wire.putU32(m, OFF_SET_VALUE_SIZE, d.consumeBoolean() ? value.length + 1 : d.consumeInt());
                System.arraycopy(key, 0, m, OFF_SET_KEY, Math.min(key.length, OFF_SET_VALUE - OFF_SET_KEY));
                System.arraycopy(value, 0, m, OFF_SET_VALUE, Math.min(value.length, MSG_SIZE - OFF_SET_VALUE));
            }
            case OP_DELETE -> {
                byte[] key = d.consumeBytes(d.consumeInt(0, 520));
                Wire.putU32(m, OFF_DELETE_KEY_SIZE, d.consumeBoolean() ? key.length + 1 : d.consumeInt());
                System.arraycopy(key, 0, m, OFF_DELETE_KEY, Math.min(key.length, 520));
            }
            case OP_ENUMERATE -> Wire.putU32(m, OFF_ENUM_INDEX, d.consumeBoolean() ? d.consumeInt(0, 8) : d.consumeInt());
            case OP_GET_IP_INFO, OP_SET_IP_INFO -> {
                put(m, OFF_IP_ADAPTER_ID, SIZE_IP_ADAPTER_ID, d.consumeBoolean() ? FakeAdapters.GUID.getBytes()
                        : d.consumeBytes(d.consumeInt(0, 300)));
                m[OFF_IP_ADDR_FAMILY] = d.consumeByte();
                m[OFF_IP_DHCP] = d.consumeByte();
                put(m, OFF_IP_ADDR, SIZE_IP_ADDR, d.consumeBytes(d.consumeInt(0, 2100)));
                put(m, OFF_IP_SUBNET, SIZE_IP_SUBNET, d.consumeBytes(d.consumeInt(0, 2100)));
                put(m, OFF_IP_GATEWAY, SIZE_IP_GATEWAY, d.consumeBytes(d.consumeInt(0, 1100)));
                put(m, OFF_IP_DNS, SIZE_IP_DNS, d.consumeBytes(d.consumeInt(0, 2100)));
            }
            default -> {
                byte[] rest = d.consumeBytes(d.consumeInt(0, MSG_SIZE - 2));
                System.arraycopy(rest, 0, m, 2, rest.length);
            }
        }
        return m;
    }

    private static void put(byte[] m, int off, int size, byte[] b) {
        System.arraycopy(b, 0, m, off, Math.min(b.length, size)); // may fill the field without a NUL
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        MemoryKvpStore store = new MemoryKvpStore();
        FakeIntrinsics intrinsics = new FakeIntrinsics().auto("FullyQualifiedDomainName", "fuzz.example")
                .adapter(FakeAdapters.GUID);
        intrinsics.byMac.put(FakeAdapters.MAC, FakeAdapters.config());
        KvpProtocol kvp = new KvpProtocol(store, intrinsics);
        kvp.register();
        byte[] hello = new byte[MSG_SIZE];
        hello[OFF_OP] = (byte) OP_REGISTER1;
        Wire.putCString(hello, OFF_REGISTER_VERSION, MAX_KEY_SIZE, "3.1");
        if (d.consumeBoolean()) {
            assertEquals(null, kvp.handle(hello), "the kernel's handshake reply gets no answer");
        }
        Map<Integer, Map<String, byte[]>> model = new HashMap<>();
        int n = d.consumeInt(1, 24);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            byte[] m = message(d);
            byte[] quick = kvp.handleQuick(m);
            byte[] reply = kvp.handle(m);
            if (reply == null) {
                assertTrue(m.length == MSG_SIZE && (m[OFF_OP] & 0xff) == OP_REGISTER1, "no reply to a request");
                continue;
            }
            assertEquals(MSG_SIZE, reply.length);
            if (quick != null) {
                assertArrayEquals(reply, quick, "the quick path answered differently");
            }
            if (m.length == MSG_SIZE) {
                check(m, reply, model, store);
            }
        }
        for (int pool = 0; pool < KvpStore.POOL_COUNT; pool++) {
            List<String> keys = new ArrayList<>();
            try {
                for (KvpStore.Entry e : store.list(pool)) {
                    keys.add(Arrays.toString(e.key()));
                }
            } catch (KvpException e) {
                throw new AssertionError(e);
            }
            List<String> expected = new ArrayList<>(model.getOrDefault(pool, Map.of()).keySet());
            keys.sort(null);
            expected.sort(null);
            assertEquals(expected, keys, "pool " + pool + " differs from what the replies said");
        }
    }

    /** Follows SET/DELETE/GET in the model by their statuses. */
    private static void check(byte[] m, byte[] reply, Map<Integer, Map<String, byte[]>> model, MemoryKvpStore store) {
        int op = m[OFF_OP] & 0xff;
        int pool = m[OFF_POOL] & 0xff;
        int status = Wire.u32(reply, OFF_ERROR);
        if (op == OP_SET && status == HvStatus.S_OK) {
            byte[] key = Wire.cBytes(m, OFF_SET_KEY, Wire.u32(m, OFF_SET_KEY_SIZE));
            byte[] value = Wire.cBytes(m, OFF_SET_VALUE, Wire.u32(m, OFF_SET_VALUE_SIZE));
            model.computeIfAbsent(pool, p -> new HashMap<>()).put(Arrays.toString(key), value);
        } else if (op == OP_DELETE && status == HvStatus.S_OK) {
            byte[] key = Wire.cBytes(m, OFF_DELETE_KEY, Wire.u32(m, OFF_DELETE_KEY_SIZE));
            assertTrue(model.getOrDefault(pool, Map.of()).containsKey(Arrays.toString(key)), "deleted a key never set");
            model.get(pool).remove(Arrays.toString(key));
        } else if (op == OP_GET && pool < KvpStore.POOL_COUNT && (status == HvStatus.S_OK || status == HvStatus.S_CONT)) {
            long size = Wire.u32(m, OFF_SET_KEY_SIZE) & 0xffffffffL;
            if (size == 0 || size > MAX_KEY_SIZE) {
                return;
            }
            byte[] key = Wire.cBytes(m, OFF_SET_KEY, (int) size);
            byte[] want = model.getOrDefault(pool, Map.of()).get(Arrays.toString(key));
            if (want == null) {
                assertEquals(HvStatus.S_CONT, status, "GET found a key never set");
            } else {
                assertEquals(HvStatus.S_OK, status, "GET lost a stored key");
                assertArrayEquals(want, Wire.cBytes(reply, OFF_ENUM_VALUE, MAX_VALUE_SIZE), "GET's value");
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void messages(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
