// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.conformance;

import java.util.Map;
import java.util.Objects;
import org.guestd.host.qga.QgaReply;

/** A failed check inside a conformance case, with test-qga-like assertion helpers. */
class CaseFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CaseFailure(String message) {
        super(message);
    }

    static void check(boolean condition, String what) throws CaseFailure {
        if (!condition) {
            throw new CaseFailure(what);
        }
    }

    static void equal(Object expected, Object actual, String what) throws CaseFailure {
        if (!Objects.equals(expected, actual)) {
            throw new CaseFailure(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }

    /** {@code qmp_assert_no_error}. */
    static QgaReply noError(QgaReply r) throws CaseFailure {
        if (r.isError()) {
            throw new CaseFailure("unexpected error " + r.errorClass() + ": " + r.errorDesc());
        }
        return r;
    }

    /** An error reply of {@code errorClass}. */
    static QgaReply error(QgaReply r, String errorClass) throws CaseFailure {
        if (!r.isError()) {
            throw new CaseFailure("expected " + errorClass + " but got " + r.raw());
        }
        equal(errorClass, r.errorClass(), "error class");
        return r;
    }

    /** The first element of a list return, as a map (fails on an empty list). */
    static Map<?, ?> first(QgaReply r) throws CaseFailure {
        check(!r.returnList().isEmpty(), "return list is empty");
        return (Map<?, ?>) r.returnList().get(0);
    }
}
