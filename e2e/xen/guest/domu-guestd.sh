#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs guestd's Xen channel in the foreground, with the JVM flags of the project's launcher (bin/guestd).
# Interim: the agent does not wire the xen module yet, so its runner org.guestd.xen.XenMain is started
# directly on the same jars; once it does, this becomes bin/guestd --xenbus-device /dev/xen/xenbus.
flags="-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
flags="$flags -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
flags="$flags -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData"
flags="$flags -XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0 -XX:AsyncDeflationInterval=0"
flags="$flags -XX:MaxDirectMemorySize=16m -Dio.netty.allocator.type=unpooled --enable-native-access=ALL-UNNAMED"
flags="$flags -Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp -Dlogback.configurationFile=/e2e/logback.xml"
# shellcheck disable=SC2086
exec /opt/jre/bin/java $flags -cp '/opt/guestd/lib/*' org.guestd.xen.XenMain --xenbus-device /dev/xen/xenbus
