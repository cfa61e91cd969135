// SPDX-License-Identifier: Apache-2.0
package org.guestd.hyperv;

import static org.guestd.hyperv.KvpWire.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.guestd.core.log.HostWarnings;
import org.guestd.kvp.KvpException;
import org.guestd.kvp.KvpIntrinsics;
import org.guestd.kvp.KvpStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon side of {@code /dev/vmbus/hv_kvp}, following hv_kvp_daemon (Linux tools/hv, as Debian 12
 * ships it) step for step: REGISTER1 after open, the kernel's REGISTER1 reply carries the driver
 * version and gets no answer, then one 7432-byte reply per request with the status in bytes 0..3
 * (overwriting the header, as the reference does) and the rest of the request echoed.
 *
 * <p>Deliberate differences from the reference: a GET reply carries the value where the kernel reads
 * it (see {@link #get}); requests the reference would crash on or store garbage from (pool ≥ 5, an
 * empty or over-long key, a message of the wrong size) are refused with a status instead.
 */
final class KvpProtocol implements DeviceProtocol {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.hyperv");

    private final KvpStore store;
    private final KvpIntrinsics intrinsics;
    private final HostWarnings warnings = new HostWarnings(LOG);
    private boolean inHandshake = true;
    private volatile String driverVersion = "";


    KvpProtocol(KvpStore store, KvpIntrinsics intrinsics) {
        this.store = store;
        this.intrinsics = intrinsics;
    }

    @Override
    public String name() {
        return "kvp";
    }

    /** The version string the kernel sent at registration ({@code "3.1"}), empty before. */
    String driverVersion() {
        return driverVersion;
    }

    @Override
    public byte[] register() {
        inHandshake = true;
        return KvpWire.registration();
    }

    @Override
    public byte[] handle(byte[] request) {
        if (request.length != MSG_SIZE) {
            // The kernel only ever sends whole 7432-byte messages; the reference reopens the device
            // on anything else, which fails the host's pending request. Failing it directly is the
            // same answer without dropping the registration.
            warnings.warn("kvp-bad-size", "kvp: {}-byte message (expected {}); answered HV_E_FAIL", request.length,
                    MSG_SIZE);
            byte[] reply = new byte[MSG_SIZE];
            System.arraycopy(request, 0, reply, 0, Math.min(request.length, MSG_SIZE));
            Wire.putU32(reply, OFF_ERROR, HvStatus.E_FAIL);
            return reply;
        }
        byte[] m = request.clone();
        int op = m[OFF_OP] & 0xff;
        int pool = m[OFF_POOL] & 0xff;
        if (inHandshake && op == OP_REGISTER1) {
            inHandshake = false;
            driverVersion = Wire.cString(m, OFF_REGISTER_VERSION, MAX_KEY_SIZE);
            LOG.info("kvp: registered with the kernel, KVP LIC version {}", driverVersion);
            return null; // the reference answers the handshake with nothing
        }
        int status;
        try {
            status = dispatch(op, pool, m);
        } catch (KvpException e) {
            warnings.warn("kvp-op-" + op, "kvp: op {} on pool {} failed: {}", op, pool, e.getMessage());
            status = statusOf(e);
        } catch (RuntimeException e) {
            warnings.warn("kvp-op-" + op, "kvp: op {} on pool {} failed: {}", op, pool, e.toString());
            status = HvStatus.E_FAIL;
        }
        Wire.putU32(m, OFF_ERROR, status);
        return m;
    }

    /**
     * The status the reference answers for a failure of this kind: an address that does not parse
     * is HV_INVALIDARG (its {@code process_ip_string}), an unknown adapter HV_GUID_NOTFOUND
     * ({@code kvp_get_if_name} finds none), anything else HV_E_FAIL.
     */
    static int statusOf(KvpException e) {
        switch (e.reason()) {
            case INVALID_ADDRESS:
                return HvStatus.INVALIDARG;
            case ADAPTER_NOT_FOUND:
                return HvStatus.GUID_NOTFOUND;
            default:
                return HvStatus.E_FAIL;
        }
    }

    /**
     * GET (pools 0–4) and ENUMERATE (file-backed pools) answered from the store's in-memory pool
     * when {@link KvpStore#cachedView} has it without blocking; the same reply as {@link #handle}.
     * Null for everything else: other ops, the auto pool (computed), bad sizes, keys the store
     * would refuse, or a pool file changed since it was last read.
     */
    @Override
    public byte[] handleQuick(byte[] request) {
        if (request.length != MSG_SIZE || inHandshake) {
            return null;
        }
        int op = request[OFF_OP] & 0xff;
        int pool = request[OFF_POOL] & 0xff;
        if ((op != OP_GET && op != OP_ENUMERATE) || pool >= KvpStore.POOL_COUNT
                || (op == OP_ENUMERATE && pool == KvpStore.POOL_AUTO)) {
            return null;
        }
        Optional<KvpStore.View> view = store.cachedView(pool);
        if (view.isEmpty()) {
            return null;
        }
        byte[] m = request.clone();
        int status;
        if (op == OP_GET) {
            byte[] key = keyOf(m, OFF_SET_KEY_SIZE, OFF_SET_KEY);
            if (key != null && key.length >= MAX_KEY_SIZE) {
                return null; // the store refuses it: let handle() answer with its error
            }
            Optional<byte[]> value = key == null ? Optional.empty() : view.get().get(key);
            if (value.isPresent()) {
                Wire.putCString(m, OFF_ENUM_VALUE, MAX_VALUE_SIZE, value.get());
            }
            status = value.isPresent() ? HvStatus.S_OK : HvStatus.S_CONT;
        } else {
            long index = Wire.u32(m, OFF_ENUM_INDEX) & 0xffffffffL;
            Optional<KvpStore.Entry> entry = index <= Integer.MAX_VALUE ? view.get().enumerate((int) index)
                    : Optional.empty();
            if (entry.isPresent()) {
                Wire.putCString(m, OFF_ENUM_KEY, MAX_KEY_SIZE, entry.get().key());
                Wire.putCString(m, OFF_ENUM_VALUE, MAX_VALUE_SIZE, entry.get().value());
            }
            status = entry.isPresent() ? HvStatus.S_OK : HvStatus.S_CONT;
        }
        Wire.putU32(m, OFF_ERROR, status);
        return m;
    }

    private int dispatch(int op, int pool, byte[] m) throws KvpException {
        boolean poolOp = op == OP_GET || op == OP_SET || op == OP_DELETE || op == OP_ENUMERATE;
        if (poolOp && pool >= KvpStore.POOL_COUNT) {
            return HvStatus.E_FAIL; // the reference indexes its pool table with it unchecked
        }
        switch (op) {
            case OP_SET:
                return set(pool, m);
            case OP_GET:
                return get(pool, m);
            case OP_DELETE:
                return delete(pool, m);
            case OP_ENUMERATE:
                return enumerate(pool, m);
            case OP_GET_IP_INFO:
                return KvpIpInfo.get(intrinsics, m);
            case OP_SET_IP_INFO:
                return KvpIpInfo.set(intrinsics, m);
            default:
                return HvStatus.S_OK; // the reference writes anything else back untouched, status 0
        }
    }

    private int set(int pool, byte[] m) throws KvpException {
        long keySize = Wire.u32(m, OFF_SET_KEY_SIZE) & 0xffffffffL;
        long valueSize = Wire.u32(m, OFF_SET_VALUE_SIZE) & 0xffffffffL;
        if (keySize > MAX_KEY_SIZE || valueSize > MAX_VALUE_SIZE) {
            return HvStatus.S_CONT; // as the reference's kvp_key_add_or_modify
        }
        byte[] key = Wire.cBytes(m, OFF_SET_KEY, (int) keySize);
        byte[] value = Wire.cBytes(m, OFF_SET_VALUE, (int) valueSize);
        if (key.length == 0 || key.length >= MAX_KEY_SIZE || value.length >= MAX_VALUE_SIZE) {
            return HvStatus.S_CONT; // no room for the NUL in the record: never store an unterminated field
        }
        if (LOG.isDebugEnabled()) { // hv_kvp_daemon -d: every add/modify (guestd: -v)
            boolean exists = store.get(pool, key).isPresent();
            store.set(pool, key, value);
            LOG.debug("kvp: pool {}: {} key '{}' value '{}'", pool, exists ? "modified" : "added", text(key), text(value));
            return HvStatus.S_OK;
        }
        store.set(pool, key, value);
        return HvStatus.S_OK;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** hv_kvp_daemon -d's dump at start: every record of every file pool, at debug (guestd: -v). */
    void dumpPools() {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        for (int pool = 0; pool < KvpStore.POOL_COUNT; pool++) {
            if (pool == KvpStore.POOL_AUTO) {
                continue;
            }
            try {
                int i = 0;
                for (Optional<KvpStore.Entry> e = store.enumerate(pool, 0); e.isPresent() && i < 100_000;
                        e = store.enumerate(pool, ++i)) {
                    LOG.debug("kvp: pool {} #{}: key '{}' value '{}'", pool, i, e.get().keyText(), e.get().valueText());
                }
                LOG.debug("kvp: pool {}: {} records", pool, i);
            } catch (KvpException e) {
                LOG.debug("kvp: pool {}: cannot read: {}", pool, e.getMessage());
            }
        }
    }

    /**
     * GET. The kernel never fills in {@code value_size} for a GET (its message is zeroed), and it
     * reads the reply's value from {@code body.kvp_enum_data.data.value} (offset 532), not from
     * {@code kvp_get.data.value} (528). The reference daemon copies {@code value_size} = 0 bytes
     * to 528, so with it the host always gets an empty value for a key that exists. guestd
     * writes the value NUL-terminated at 532, where the kernel looks.
     */
    private int get(int pool, byte[] m) throws KvpException {
        byte[] key = keyOf(m, OFF_SET_KEY_SIZE, OFF_SET_KEY);
        if (key == null) {
            return HvStatus.S_CONT;
        }
        Optional<byte[]> value = store.get(pool, key);
        if (value.isEmpty()) {
            return HvStatus.S_CONT;
        }
        Wire.putCString(m, OFF_ENUM_VALUE, MAX_VALUE_SIZE, value.get());
        return HvStatus.S_OK;
    }

    private int delete(int pool, byte[] m) throws KvpException {
        byte[] key = keyOf(m, OFF_DELETE_KEY_SIZE, OFF_DELETE_KEY);
        if (key == null) {
            return HvStatus.S_CONT;
        }
        boolean deleted = store.delete(pool, key);
        if (deleted) {
            LOG.debug("kvp: pool {}: deleted key '{}'", pool, text(key)); // hv_kvp_daemon -d (guestd: -v)
        }
        return deleted ? HvStatus.S_OK : HvStatus.S_CONT;
    }

    private int enumerate(int pool, byte[] m) throws KvpException {
        long index = Wire.u32(m, OFF_ENUM_INDEX) & 0xffffffffL;
        KvpStore.Entry entry;
        if (pool == KvpStore.POOL_AUTO) {
            // generated, never read from a file (the reference does the same)
            List<KvpStore.Entry> auto = intrinsics.autoPool();
            entry = index < auto.size() ? auto.get((int) index) : null;
        } else {
            entry = index <= Integer.MAX_VALUE ? store.enumerate(pool, (int) index).orElse(null) : null;
        }
        if (entry == null) {
            return HvStatus.S_CONT; // past the end: the host stops iterating
        }
        Wire.putCString(m, OFF_ENUM_KEY, MAX_KEY_SIZE, entry.key());
        Wire.putCString(m, OFF_ENUM_VALUE, MAX_VALUE_SIZE, entry.value());
        return HvStatus.S_OK;
    }

    /** The key of a GET or DELETE, or null when its size field is impossible. */
    private static byte[] keyOf(byte[] m, int sizeOff, int keyOff) {
        long keySize = Wire.u32(m, sizeOff) & 0xffffffffL;
        if (keySize == 0 || keySize > MAX_KEY_SIZE) {
            return null;
        }
        return Wire.cBytes(m, keyOff, (int) keySize);
    }
}
