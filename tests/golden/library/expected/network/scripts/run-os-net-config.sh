#!/bin/bash
# Apply the node's NIC configuration with os-net-config. Heat replaces the
# placeholder below with the configuration (JSON) of the role's NIC template.
set -eu

config_dir=/etc/os-net-config
mkdir -p "$config_dir"
umask 077
cat > "$config_dir/config.json" <<'NETWORK_CONFIG_EOF'
_NETWORK_CONFIG_
NETWORK_CONFIG_EOF

if ! command -v os-net-config > /dev/null; then
    echo "os-net-config is not installed; the network configuration was not applied" >&2
    exit 1
fi

# Exit code 2 means "configuration changed", which is success here.
rc=0
os-net-config -c "$config_dir/config.json" -v --detailed-exit-codes || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "os-net-config failed with exit code $rc" >&2
    exit "$rc"
fi
