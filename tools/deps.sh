#!/bin/sh
# Install what portcomply needs to build, run and test, and nothing else.
# Checks first: on a machine that already has everything, it touches nothing.
set -eu

PACKAGES="build-essential pkg-config libsnmp-dev snmpd snmp snmptrapd \
libconfuse-dev libcmocka-dev libmnl-dev smitools iproute2 util-linux valgrind perl \
clang stress-ng mandoc debhelper lintian fakeroot dpkg-dev systemd nftables adduser passwd \
prometheus prometheus-snmp-exporter monitoring-plugins-standard monitoring-plugins-basic \
nagios-nrpe-server nagios-nrpe-plugin \
jq curl postgresql php-cgi php-cli php-pgsql zabbix-server-pgsql zabbix-frontend-php \
snmptt libnet-ip-perl"
# nagios-nrpe-server is there for its nrpe binary: tests/integration/t_nagios.sh
# runs its own nrpe in a namespace (the package's service is the site's affair).
# The Zabbix packages, PostgreSQL and SNMPTT are there for tests/integration/
# t_zabbix.sh, which runs its own cluster, server and API in a namespace.
# php-cgi comes before zabbix-frontend-php so that PHP's SAPI dependency is
# met without Apache; libnet-ip-perl is what SNMPTT needs for IPv6.
MIBS_PACKAGE=snmp-mibs-downloader
NONFREE_LIST=/etc/apt/sources.list.d/portcomply-non-free.sources

missing=""
for p in $PACKAGES $MIBS_PACKAGE; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing; run 'make deps' as root" >&2
	exit 1
fi

# snmp-mibs-downloader lives in Debian's non-free component. Enable it only
# when no apt source offers non-free yet, in a file of our own so that
# removing it is one rm.
case "$missing" in *"$MIBS_PACKAGE"*)
	if ! grep -rhsE '^[[:space:]]*(Components:.*[[:space:]]non-free([[:space:]]|$)|deb[[:space:]].*[[:space:]]non-free([[:space:]]|$))' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ >/dev/null; then
		. /etc/os-release
		# The same mirror the system already uses for main (a site may have
		# its own mirror or proxy); deb.debian.org when none is found.
		mirror=$(awk -v suite="$VERSION_CODENAME" '
			/^[[:space:]]*$/ { uris = "" }
			/^URIs:/ { uris = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uris != "") { print uris; exit } }
			' /etc/apt/sources.list.d/*.sources 2>/dev/null)
		[ -n "$mirror" ] || mirror=$(awk -v suite="$VERSION_CODENAME" \
			'$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
		[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
		echo "deps: enabling Debian's non-free component ($mirror) in $NONFREE_LIST"
		cat >"$NONFREE_LIST" <<EOS
# Added by portcomply's 'make deps' for snmp-mibs-downloader (IETF MIBs).
Types: deb
URIs: ${mirror}
Suites: ${VERSION_CODENAME} ${VERSION_CODENAME}-updates
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	fi
esac

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
