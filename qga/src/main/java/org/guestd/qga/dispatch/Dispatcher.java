// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.core.log.HostWarnings;
import org.guestd.qga.codec.QDictOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * qemu's {@code qmp_dispatch} as qemu-ga calls it (no out-of-band execution): checks the request
 * object, looks the command up, checks its arguments, runs it and builds the reply. {@code id} is
 * echoed verbatim in success and error replies whenever the request was an object with an id.
 * Thread-safe; {@link #dispatch} runs the command on the calling thread.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger("org.guestd.qga");
    /** A host that keeps triggering a bug must not flood the journal: one line a minute per command. */
    private static final HostWarnings WARNINGS = new HostWarnings(LOG);

    private final CommandRegistry registry;

    public Dispatcher(CommandRegistry registry) {
        this.registry = registry;
    }

    public CommandRegistry registry() {
        return registry;
    }

    /**
     * Whether {@link #dispatch} of this message is cheap and non-blocking: a {@link
     * QgaCommand#quick()} command, or a message that gets an error without running anything
     * (not an object, no/unknown command name).
     */
    public boolean isQuick(Object request) {
        if (!(request instanceof Map)) {
            return true;
        }
        if (!registry.frozenStateSettled()) {
            return false; // a thaw is under way: the frozen check would wait; not on the I/O thread
        }
        Object name = ((Map<?, ?>) request).get("execute");
        if (!(name instanceof String)) {
            return true;
        }
        return registry.find((String) name).map(QgaCommand::quick).orElse(true);
    }

    /**
     * Handles one parsed message.
     *
     * @return the reply, or null when nothing is sent (a successful no-success-response command);
     *     a command that throws anything other than {@link AgentException} (an Error too) gets
     *     {@code GenericError "internal error in <command>: <exception>"}
     */
    public Reply dispatch(Object request) {
        if (!(request instanceof Map)) {
            return error(ErrorClass.GENERIC_ERROR, "QMP input must be a JSON object", false, null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) request;
        boolean hasId = dict.containsKey("id");
        Object id = dict.get("id");
        QgaCommand command = null;
        try {
            checkRequest(dict);
            String name = (String) dict.get("execute");
            command = registry.lookup(name);
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = dict.containsKey("arguments")
                    ? (Map<String, Object>) dict.get("arguments") : Map.of();
            Args args = InputVisitor.visitArguments(command.arguments(), arguments);
            Object ret = command.execute(args);
            if (!command.successResponse()) {
                return null;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("return", ret == null ? new LinkedHashMap<>() : ret);
            if (hasId) {
                body.put("id", id);
            }
            return new Reply(body, command.delimitedResponse());
        } catch (AgentException e) {
            return error(QgaException.classOf(e), e.getMessage(), hasId, id);
        } catch (RuntimeException | Error e) { // an Error too (StackOverflowError, OutOfMemoryError…)
            String name = command == null ? "?" : command.name();
            if (e instanceof VirtualMachineError) {
                WARNINGS.warn("command-failed:" + name, "command {} failed unexpectedly: {}", name, e.toString());
            } else {
                WARNINGS.warn("command-failed:" + name, "command {} failed unexpectedly", name, e);
            }
            return error(ErrorClass.GENERIC_ERROR, "internal error in " + name + ": " + e, hasId, id);
        }
    }

    /**
     * The reply when handling failed outside any command: parsing the request or encoding its
     * reply threw. qemu-ga has no such reply; the text says what happened ({@link #internalErrorText}).
     */
    public static Reply internalError(Throwable e) {
        return error(ErrorClass.GENERIC_ERROR, internalErrorText(e), false, null);
    }

    /** {@code internal error: out of memory}, {@code internal error: stack overflow} or {@code internal error: <e>}. */
    public static String internalErrorText(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "internal error: out of memory";
        }
        if (e instanceof StackOverflowError) {
            return "internal error: stack overflow";
        }
        return "internal error: " + e;
    }

    /** The reply to a message the parser rejected ({@code desc} as the streamer reported it). */
    public static Reply parseError(String desc) {
        return error(ErrorClass.GENERIC_ERROR, desc, false, null);
    }

    /** qemu's {@code qmp_dispatch_check_obj}: members checked in qemu's QDict order. */
    private static void checkRequest(Map<String, Object> dict) throws AgentException {
        boolean hasExecute = false;
        for (String key : QDictOrder.keys(dict)) {
            Object value = dict.get(key);
            switch (key) {
                case "execute":
                    if (!(value instanceof String)) {
                        throw AgentException.generic("QMP input member 'execute' must be a string");
                    }
                    hasExecute = true;
                    break;
                case "arguments":
                    if (!(value instanceof Map)) {
                        throw AgentException.generic("QMP input member 'arguments' must be an object");
                    }
                    break;
                case "id":
                    break;
                default:
                    throw AgentException.generic("QMP input member '" + key + "' is unexpected");
            }
        }
        if (!hasExecute) {
            throw AgentException.generic("QMP input lacks member 'execute'");
        }
    }

    private static Reply error(ErrorClass cls, String desc, boolean hasId, Object id) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("class", cls.wireName());
        err.put("desc", desc);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", err);
        if (hasId) {
            body.put("id", id);
        }
        return new Reply(body, false);
    }
}
