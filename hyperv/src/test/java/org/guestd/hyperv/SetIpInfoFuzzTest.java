// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.guestd.hyperv.KvpWire.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.intrinsics.IfcfgWriter;

/**
 * Fuzz target: KVP_OP_SET_IP_INFO from the host to the files hv_set_ifconfig reads — the message's
 * address, subnet, gateway and DNS strings split as the reference does ({@link KvpIpInfo}), then
 * written as the ifcfg file and the NetworkManager keyfile ({@link IfcfgWriter}); an out-of-bounds
 * write in hv_kvp_daemon's parser of exactly these strings was found in 2026. The intrinsics are
 * scripted: nothing is written to disk and no script runs.
 *
 * <p>Checks: nothing thrown but the parser's own {@link KvpException}; the reply is 7432 bytes;
 * and what would be written is made of lines {@code KEY=VALUE} (keyfile: also {@code [section]}
 * and empty lines) whose values hold no control character — the ifcfg file is sourced by a shell
 * script, so a newline in a value would be a command.
 *
 * <p>Regression inputs: {@code src/test/resources/org/guestd/hyperv/SetIpInfoFuzzTestInputs/setIpInfo/};
 * long runs: {@code bin/fuzz SetIpInfoFuzzTest [SECONDS]}.
 */
public class SetIpInfoFuzzTest {
    private static final Pattern IFCFG_LINE = Pattern.compile("[A-Z0-9_]+=[^\\p{Cntrl}]*");
    /** The owner comment both files begin with. */
    private static final String OWNER = IfcfgWriter.HEADER.strip();
    private static final Pattern KEYFILE_LINE = Pattern.compile("|\\[[a-z0-9]+\\]|[a-z0-9-]+=[^\\p{Cntrl}]*");

    /** A list the way a host writes it: items from the fuzzer joined with ';' (sometimes one more). */
    static String list(FuzzedDataProvider d, int max) {
        StringBuilder sb = new StringBuilder();
        int n = d.consumeInt(0, 6);
        for (int i = 0; i < n && sb.length() < max; i++) {
            switch (d.consumeInt(0, 3)) {
                case 0 -> sb.append(d.consumeInt(0, 255)).append('.').append(d.consumeInt(0, 300)).append('.')
                        .append(d.consumeInt(0, 255)).append('.').append(d.consumeInt(0, 255));
                case 1 -> sb.append(Integer.toHexString(d.consumeInt(0, 0xffff))).append("::")
                        .append(Integer.toHexString(d.consumeInt(0, 0xffff)));
                case 2 -> sb.append('/').append(d.consumeInt(-5, 200));
                default -> sb.append(d.consumeString(40));
            }
            if (i + 1 < n || d.consumeBoolean()) {
                sb.append(';');
            }
        }
        return sb.toString();
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        byte[] m = new byte[MSG_SIZE];
        m[OFF_OP] = (byte) OP_SET_IP_INFO;
        Wire.putCString(m, OFF_IP_ADAPTER_ID, SIZE_IP_ADAPTER_ID, FakeAdapters.GUID);
        m[OFF_IP_ADDR_FAMILY] = d.consumeByte();
        m[OFF_IP_DHCP] = d.consumeByte();
        Wire.putCString(m, OFF_IP_ADDR, SIZE_IP_ADDR, list(d, SIZE_IP_ADDR).getBytes(StandardCharsets.UTF_8));
        Wire.putCString(m, OFF_IP_SUBNET, SIZE_IP_SUBNET, list(d, SIZE_IP_SUBNET).getBytes(StandardCharsets.UTF_8));
        Wire.putCString(m, OFF_IP_GATEWAY, SIZE_IP_GATEWAY, list(d, SIZE_IP_GATEWAY).getBytes(StandardCharsets.UTF_8));
        Wire.putCString(m, OFF_IP_DNS, SIZE_IP_DNS, list(d, SIZE_IP_DNS).getBytes(StandardCharsets.UTF_8));

        FakeIntrinsics intrinsics = new FakeIntrinsics().adapter(FakeAdapters.GUID);
        KvpProtocol kvp = new KvpProtocol(new MemoryKvpStore(), intrinsics);
        byte[] hello = new byte[MSG_SIZE];
        hello[OFF_OP] = (byte) OP_REGISTER1;
        kvp.handle(hello);
        byte[] reply = kvp.handle(m);
        assertEquals(MSG_SIZE, reply.length);
        for (KvpIntrinsics.IpConfig c : intrinsics.applied) {
            try {
                for (String line : IfcfgWriter.ifcfg("eth0", FakeAdapters.MAC, c).split("\n", -1)) {
                    assertTrue(line.isEmpty() || OWNER.equals(line) || IFCFG_LINE.matcher(line).matches(), "ifcfg line: " + line);
                }
            } catch (KvpException e) {
                assertEquals(KvpException.Reason.INVALID_ADDRESS, e.reason(), e.getMessage());
            }
            try {
                for (String line : IfcfgWriter.keyfile("eth0", FakeAdapters.MAC, c).split("\n", -1)) {
                    assertTrue(OWNER.equals(line) || KEYFILE_LINE.matcher(line).matches(), "keyfile line: " + line);
                }
            } catch (KvpException e) {
                assertEquals(KvpException.Reason.INVALID_ADDRESS, e.reason(), e.getMessage());
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void setIpInfo(FuzzedDataProvider d) {
        fuzzerTestOneInput(d);
    }
}
