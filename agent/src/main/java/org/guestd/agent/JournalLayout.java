// SPDX-License-Identifier: Apache-2.0
package org.guestd.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

/**
 * One line per event for journald: an sd-daemon(3) priority prefix ({@code <3>} error, {@code <4>}
 * warning, {@code <6>} info, {@code <7>} debug), the logger's short name, the message; no timestamp
 * (journald stamps each line itself).
 */
final class JournalLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(128);
        sb.append('<').append(priority(e.getLevel())).append('>');
        String name = e.getLoggerName();
        sb.append(name, name.lastIndexOf('.') + 1, name.length()).append(": ").append(e.getFormattedMessage());
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            sb.append(": ").append(ThrowableProxyUtil.asString(t).replace("\n", "\n<" + priority(e.getLevel()) + ">  "));
        }
        return sb.append('\n').toString();
    }

    static int priority(Level l) {
        int v = l.toInt();
        if (v >= Level.ERROR_INT) {
            return 3;
        }
        if (v >= Level.WARN_INT) {
            return 4;
        }
        return v >= Level.INFO_INT ? 6 : 7;
    }
}
