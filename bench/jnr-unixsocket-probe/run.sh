#!/bin/sh
# Why guestd does not use jnr-unixsocket (README "Dependencies and why"): first-use cost in a fresh
# JVM, five interleaved runs each. Usage: bench/jnr-unixsocket-probe/run.sh
set -eu
cd "$(dirname "$0")"
mvn -B -q package dependency:copy-dependencies -DoutputDirectory=target/lib
echo "jnr-unixsocket and its dependencies: $(du -cb target/lib/*.jar | tail -n 1 | cut -f1) bytes in $(ls target/lib | wc -l) jars"
for i in 1 2 3 4 5; do
    java -XX:TieredStopAtLevel=1 -cp target/classes Probe jdk
    java -XX:TieredStopAtLevel=1 -cp "target/classes:target/lib/*" Probe jnr 2>/dev/null
done
