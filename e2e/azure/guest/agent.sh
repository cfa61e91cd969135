#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Azure case's overlay of /e2e/agent.sh: e2e.agent=guestd-azure runs guestd as an Azure VM's
# service; every other agent runs as in the base image (its agent.sh, copied to agent-base.sh).
case "$1" in
    guestd-azure) exec /e2e/azure/agent-azure.sh ;;
    *) exec /e2e/agent-base.sh "$@" ;;
esac
