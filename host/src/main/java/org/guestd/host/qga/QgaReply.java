// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.qga;

import java.util.List;
import java.util.Map;
import org.guestd.core.json.Json;
import org.guestd.core.json.JsonReader;

/**
 * One reply object from the agent, parsed, with the exact text it arrived as.
 *
 * <p>Success is {@code {"return": <value>}}, failure {@code {"error": {"class": …, "desc": …}}};
 * either may carry the request's {@code id} (copied verbatim, any JSON type).
 *
 * @param json        the whole reply object (member order as received)
 * @param returnValue the {@code return} member, or null (error replies)
 * @param errorClass  {@code error.class}, or null for a success reply
 * @param errorDesc   {@code error.desc}, or null for a success reply
 * @param id          the {@code id} member, or null when absent
 * @param raw         the reply text exactly as received, without the line end and sentinel
 * @param delimited   whether the reply was preceded by the 0xFF sentinel (only
 *                    {@code guest-sync-delimited} replies are)
 */
public record QgaReply(Map<String, Object> json, Object returnValue, String errorClass,
        String errorDesc, Object id, String raw, boolean delimited) {

    /**
     * Parses one reply object.
     *
     * @throws QgaProtocolException when {@code raw} is not a JSON object
     */
    public static QgaReply parse(String raw, boolean delimited) throws QgaProtocolException {
        Object v;
        try {
            v = JsonReader.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new QgaProtocolException("reply is not valid JSON (" + e.getMessage() + ")", raw, e);
        }
        if (!(v instanceof Map)) {
            throw new QgaProtocolException("reply is not a JSON object", raw, null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        String cls = null;
        String desc = null;
        if (m.containsKey("error")) {
            Object err = m.get("error");
            if (err instanceof Map) {
                Map<?, ?> em = (Map<?, ?>) err;
                cls = em.get("class") instanceof String ? (String) em.get("class") : "?";
                desc = em.get("desc") instanceof String ? (String) em.get("desc") : Json.write(em.get("desc"));
            } else {
                cls = "?";
                desc = Json.write(err);
            }
        }
        return new QgaReply(m, m.get("return"), cls, desc, m.get("id"), raw, delimited);
    }

    /** True for an error reply. */
    public boolean isError() {
        return errorClass != null;
    }

    /** True when the reply has a {@code return} member. */
    public boolean hasReturn() {
        return json.containsKey("return");
    }

    /** True when the reply has an {@code id} member (even {@code "id": null}). */
    public boolean hasId() {
        return json.containsKey("id");
    }

    /** This reply, or a {@link QgaErrorException} when it is an error reply. */
    public QgaReply orThrow() {
        if (isError()) {
            throw new QgaErrorException(this);
        }
        return this;
    }

    /** The return value as an object; throws for an error reply or another type. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> returnMap() {
        return (Map<String, Object>) typed(Map.class, "an object");
    }

    /** The return value as an array; throws for an error reply or another type. */
    @SuppressWarnings("unchecked")
    public List<Object> returnList() {
        return (List<Object>) typed(List.class, "an array");
    }

    /** The return value as an integer; throws for an error reply or another type. */
    public long returnLong() {
        Object v = orThrow().returnValue;
        Long l = Json.asLong(v);
        if (l == null) {
            throw new IllegalStateException("return value is not an integer: " + raw);
        }
        return l;
    }

    /** The return value as a string; throws for an error reply or another type. */
    public String returnString() {
        return (String) typed(String.class, "a string");
    }

    private Object typed(Class<?> type, String what) {
        Object v = orThrow().returnValue;
        if (!type.isInstance(v)) {
            throw new IllegalStateException("return value is not " + what + ": " + raw);
        }
        return v;
    }
}
