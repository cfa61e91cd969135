#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Records the AppCDS class list shipped in the packages: the classes a start of the built agent and
# one round of QGA commands (qgactl info) load. The archive itself is made on the target machine
# from this list (guestd --regenerate-cds), because it is specific to the exact JVM build.
# Usage: classlist.sh AGENT_JAR HOST_CP OUT
set -eu
agent_jar=$1 host_cp=$2 out=$3
java=java
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java="$JAVA_HOME/bin/java"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
GUESTD_CONF="$tmp/empty.conf" "$java" -XX:+UseSerialGC -XX:DumpLoadedClassList="$tmp/classlist" \
    --enable-native-access=ALL-UNNAMED -Djna.tmpdir="$tmp" -Dio.netty.native.workdir="$tmp" \
    -jar "$agent_jar" -m unix-listen -p "$tmp/qga.sock" -t "$tmp" >"$tmp/agent.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/qga.sock" ]; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
        cat "$tmp/agent.log" >&2
        echo "classlist.sh: the agent did not open its socket" >&2
        kill $pid 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
done
"$java" -cp "$host_cp" org.guestd.host.cli.QgaCtl -s "$tmp/qga.sock" info >"$tmp/info.txt" 2>&1 \
    || { cat "$tmp/info.txt" >&2; kill $pid; exit 1; }
kill -TERM $pid
wait $pid || { cat "$tmp/agent.log" >&2; echo "classlist.sh: agent exit status $?" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
# Plain class names only: the lambda-proxy and invoker lines are specific to the JDK that recorded
# them, and the list must work with whichever Java 17+ runtime the target machine has.
sed -n 's/^\([^@#][^ ]*\).*/\1/p' "$tmp/classlist" >"$out"
echo "classlist.sh: $(grep -c . "$out") classes recorded in $out"
