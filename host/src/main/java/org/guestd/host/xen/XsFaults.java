// SPDX-License-Identifier: Apache-2.0
package org.guestd.host.xen;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a misbehaving xenstore can do to a guest agent (the okhttp {@code SocketPolicy} idea), set
 * at any time from the test. Only the commit conflicts, EACCES on a read-only {@code control/} and the
 * device going away (driver reload, resume) happen with a healthy Xen; the rest are hostile input
 * the agent must survive without a retry storm.
 */
public final class XsFaults {
    /** The next N transaction commits answer EAGAIN (as on a real conflict). */
    public final AtomicInteger commitEagain = new AtomicInteger();
    /** Every XS_WRITE answers E2BIG (quota exceeded). */
    public volatile boolean e2bigOnWrite;
    /** Every write, mkdir, rm or set-perms of the guest under this relative prefix answers EACCES (null: none). */
    public volatile String eaccesUnder;
    /** Close the connection after this many more requests (0: never). */
    public final AtomicInteger closeAfterRequests = new AtomicInteger();
    /** Send one garbage frame (a header announcing 1 MiB) before the next reply. */
    public volatile boolean garbageBeforeNextReply;
    /** Send a frame of an unknown type (0x7777, empty) before each reply. */
    public volatile boolean unknownTypeBeforeReplies;
    /** Hold replies while more requests are readable, then send them in reverse order. */
    public volatile boolean repliesOutOfOrder;
    /** A new watch's first event comes before its OK (what the kernel did in 7 of 10 registrations). */
    public volatile boolean eventBeforeWatchOk = true;
    /**
     * Requests written before the previous one was answered get the last one's body, as on the Linux
     * device (see {@link XenbusConnection}); they are recorded as violations either way.
     */
    public volatile boolean kernelBodyAliasing = true;
    /** Never reply (the lost upcall seen once under nested SVM). */
    public volatile boolean swallowReplies;
}
