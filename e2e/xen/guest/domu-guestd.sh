#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# guestd as its service runs it: the project's launcher bin/guestd (the packaged unit's /usr/sbin/guestd has
# the same JVM flags) with no options, the packaged /etc/guestd/guestd.conf, on the jlink'd runtime. It finds
# /dev/xen/xenbus itself; with no virtio port it serves QGA on /run/guestd/qga.sock.
export JAVA_HOME=/opt/jre
export GUESTD_JAVA_OPTS="-Djna.tmpdir=/tmp -Dio.netty.native.workdir=/tmp"
exec /opt/guestd/bin/guestd
