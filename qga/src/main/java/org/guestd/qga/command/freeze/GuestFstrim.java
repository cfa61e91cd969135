// SPDX-License-Identifier: Apache-2.0
package org.guestd.qga.command.freeze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guestd.core.AgentException;
import org.guestd.freeze.FsTrimmer;
import org.guestd.qga.command.Wire;
import org.guestd.qga.dispatch.ArgType;
import org.guestd.qga.dispatch.Args;
import org.guestd.qga.dispatch.StructSpec;

/**
 * {@code guest-fstrim} (Since: 1.2; returns since 2.4): {@code minimum?: int}; returns
 * GuestFilesystemTrimResponse {@code {paths: [{path, trimmed?, minimum?, error?}]}}, one entry per
 * local filesystem in reverse mount order; a filesystem that cannot be trimmed has only
 * {@code error} ({@code "trim not supported"}, {@code "failed to trim: <strerror>"}).
 */
public final class GuestFstrim extends FeatureCommand<FsTrimmer> {
    public static final String NAME = "guest-fstrim";
    public static final String MINIMUM = "minimum";
    private static final StructSpec ARGS = StructSpec.builder().optional(MINIMUM, ArgType.INT).build();

    public GuestFstrim(FsTrimmer trimmer) {
        super(NAME, ARGS, trimmer);
    }

    @Override
    public Object execute(Args args) throws AgentException {
        List<Object> paths = new ArrayList<>();
        for (FsTrimmer.TrimResult r : feature().trim(args.optLong(MINIMUM))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", r.path());
            if (r.trimmed() != null) {
                m.put("trimmed", Wire.u64(r.trimmed()));
            }
            if (r.minimum() != null) {
                m.put("minimum", Wire.u64(r.minimum()));
            }
            Wire.putOptional(m, "error", r.error());
            paths.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("paths", paths);
        return out;
    }
}
