#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as {"name":"gpu","addresses":[...]}.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/^/"/' -e 's/$/"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
