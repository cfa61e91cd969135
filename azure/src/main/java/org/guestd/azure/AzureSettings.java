// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.net.URI;
import org.guestd.provisioning.ProvisioningAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.guestd.core.config.ConfigException;
import org.guestd.core.config.ConfigSection;

/**
 * The {@code [azure]} section.
 *
 * @param mode {@code provision = auto | yes | no} (default auto)
 * @param wireServer {@code wire-server} (default http://168.63.129.16)
 * @param imds {@code imds} (default http://169.254.169.254)
 * @param imdsApiVersion {@code imds-api-version} (default 2021-02-01)
 * @param media {@code media}: the provisioning CD (default /dev/sr0)
 * @param ovfEnv {@code ovf-env}: an ovf-env.xml file or directory to read instead of mounting the
 *     CD, or null
 * @param imdsTimeout {@code imds-timeout}: total time IMDS is retried (default 300 s)
 * @param reportTimeout {@code report-timeout}: total time a health report is retried (default 600 s;
 *     the JSON endpoint gets a fifth of it before the classic path is tried)
 * @param requestTimeout {@code request-timeout}: one HTTP exchange (default 30 s)
 */
public record AzureSettings(ProvisioningAuthority.Mode mode, URI wireServer, URI imds, String imdsApiVersion,
        Path media, Path ovfEnv, Duration imdsTimeout, Duration reportTimeout, Duration requestTimeout) {

    /** Azure's wire server. */
    public static final String WIRE_SERVER = "http://168.63.129.16";
    /** Azure's instance metadata service. */
    public static final String IMDS = "http://169.254.169.254";

    /** Reads {@code [azure]}. */
    public static AzureSettings fromConfig(ConfigSection c) throws ConfigException {
        ProvisioningAuthority.Mode mode;
        String m = c.getString("provision", "auto").strip().toUpperCase(Locale.ROOT);
        try {
            mode = ProvisioningAuthority.Mode.valueOf(m);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("[azure] provision: not auto, yes or no: " + c.getString("provision", ""));
        }
        String ovf = c.getString("ovf-env", "");
        return new AzureSettings(mode, uri(c, "wire-server", WIRE_SERVER), uri(c, "imds", IMDS),
                c.getString("imds-api-version", "2021-02-01"), Path.of(c.getString("media", "/dev/sr0")),
                ovf.isBlank() ? null : Path.of(ovf), c.getDuration("imds-timeout", Duration.ofSeconds(300)),
                c.getDuration("report-timeout", Duration.ofSeconds(600)),
                c.getDuration("request-timeout", Duration.ofSeconds(30)));
    }

    private static URI uri(ConfigSection c, String key, String dflt) throws ConfigException {
        String v = c.getString(key, dflt).strip();
        try {
            URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (!"http".equals(u.getScheme()) || u.getHost() == null) {
                throw new ConfigException("[azure] " + key + ": not an http:// URL: " + v);
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("[azure] " + key + ": not a URL: " + v);
        }
    }
}
