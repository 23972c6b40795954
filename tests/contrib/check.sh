#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The monitoring files of contrib/ against the real tools, no network:
#   - contrib/prometheus/snmp.yml is what Debian's generator makes of
#     generator.yml and the MIB today (stale: run `make snmp-yml`);
#   - promtool accepts the rules and passes their unit tests, and accepts
#     the example Prometheus configuration;
#   - the Grafana dashboard's queries name only metrics the module produces.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prom=$root/contrib/prometheus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

"$root/tools/snmp-yml.sh" "$tmp/snmp.yml"
if ! diff -u "$prom/snmp.yml" "$tmp/snmp.yml" >"$tmp/snmp.diff"; then
	head -n 40 "$tmp/snmp.diff" >&2
	echo "contrib: contrib/prometheus/snmp.yml is stale (the MIB or generator.yml changed): run 'make snmp-yml' and commit it" >&2
	failed=1
fi

if ! out=$(promtool check rules "$prom/portcomply-rules.yml" 2>&1); then
	echo "$out" >&2
	failed=1
fi
if ! out=$(cd "$prom" && promtool test rules portcomply-rules.test.yml 2>&1); then
	echo "$out" >&2
	failed=1
fi
# The example refers to /etc/prometheus paths: check it with ours.
sed -e "s|/etc/prometheus/portcomply-rules.yml|$prom/portcomply-rules.yml|" \
	-e "s|/etc/prometheus/portcomply-targets.yml|$tmp/targets.yml|" \
	"$prom/prometheus.yml" >"$tmp/prometheus.yml"
echo '- targets: [host.example.net]' >"$tmp/targets.yml"
if ! out=$(promtool check config "$tmp/prometheus.yml" 2>&1); then
	echo "$out" >&2
	failed=1
fi

for dashboard in "$root"/contrib/grafana/*.json; do
	[ -e "$dashboard" ] || continue
	perl "$root/tests/contrib/dashboard-metrics.pl" "$dashboard" "$prom/snmp.yml" || failed=1
done

# The checker itself: a dashboard naming pcListenerClass (not walked) fails.
if perl "$root/tests/contrib/dashboard-metrics.pl" "$root/tests/fixtures/contrib/bad-dashboard.json" \
	"$prom/snmp.yml" 2>/dev/null; then
	echo "contrib: dashboard-metrics.pl accepts tests/fixtures/contrib/bad-dashboard.json" >&2
	failed=1
fi

if [ "$failed" != 0 ]; then
	echo "contrib: FAILED" >&2
	exit 1
fi
echo "contrib: snmp.yml up to date; rules checked and unit-tested; dashboards use only the module's metrics"
