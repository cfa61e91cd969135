#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The domU's control port for dom0's checks (busybox nc -ll -e, on the vif inside the nested machine only):
# one command line per connection, run with sh; its output (stdout and stderr) is the reply.
read -r line
sh -c "$line" 2>&1
