#!/bin/sh
# SPDX-License-Identifier: ISC
# Install what portcomply needs to build, run and test, and nothing else.
# Checks first: on a machine that already has everything, it touches nothing.
#
# Installing test tools starts no service on this machine: while apt-get
# runs, a policy-rc.d (invoke-rc.d(8), deb-systemd-invoke) refuses every
# start, and the units that the installed packages enabled are disabled
# again afterwards, so that no NRPE, Prometheus, snmp_exporter, snmpd or
# snmptrapd listens at the next boot either. Every failure says which step
# failed.
#
# Environment (for tests/host, which runs this script in a booted Debian):
#   DEPS_PACKAGES  the packages to install instead of the list below
set -eu

PACKAGES="build-essential pkg-config libsnmp-dev snmpd snmp snmptrapd \
libconfuse-dev libcmocka-dev libmnl-dev smitools iproute2 util-linux valgrind perl \
clang stress-ng mandoc debhelper lintian fakeroot dpkg-dev systemd nftables adduser passwd \
prometheus prometheus-snmp-exporter monitoring-plugins-standard monitoring-plugins-basic \
nagios-nrpe-server nagios-nrpe-plugin debootstrap systemd-container \
jq curl postgresql php-cgi php-cli php-pgsql zabbix-server-pgsql zabbix-frontend-php \
snmptt libnet-ip-perl"
# nagios-nrpe-server is there for its nrpe binary: tests/integration/t_nagios.sh
# runs its own nrpe in a namespace (the package's service is the site's affair).
# debootstrap and systemd-container (systemd-nspawn): tests/host boots a
# Debian of its own.
# The Zabbix packages, PostgreSQL and SNMPTT are there for tests/integration/
# t_zabbix.sh, which runs its own cluster, server and API in a namespace.
# php-cgi comes before zabbix-frontend-php so that PHP's SAPI dependency is
# met without Apache; libnet-ip-perl is what SNMPTT needs for IPv6.
MIBS_PACKAGE=snmp-mibs-downloader
NONFREE_LIST=/etc/apt/sources.list.d/portcomply-non-free.sources
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_MARK="# portcomply make deps: no service starts while it installs"
here=$(cd "$(dirname "$0")" && pwd)

wanted=${DEPS_PACKAGES:-$PACKAGES $MIBS_PACKAGE}
step="starting"
tmp=
finish() {
	rc=$?
	# Ours only: a policy-rc.d that was there before stays as it was.
	if [ -f "$POLICY_RC" ] && grep -qxF "$POLICY_MARK" "$POLICY_RC"; then
		rm -f "$POLICY_RC"
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
	if [ "$rc" != 0 ]; then
		echo "deps: failed while $step (exit status $rc)" >&2
	fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

step="checking which packages are installed (dpkg-query)"
missing=""
for p in $wanted; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	step="checking the user"
	echo "deps: missing packages:$missing; run 'make deps' as root" >&2
	exit 1
fi

# snmp-mibs-downloader lives in Debian's non-free component. Enable it only
# when no apt source offers non-free yet, in a file of our own so that
# removing it is one rm.
case " $missing " in *" $MIBS_PACKAGE "*)
	step="looking for Debian's non-free component in /etc/apt"
	if ! "$here/apt-sources.sh" has-component non-free; then
		step="reading /etc/os-release"
		. /etc/os-release
		[ -n "${VERSION_CODENAME:-}" ] || {
			echo "deps: /etc/os-release names no VERSION_CODENAME" >&2
			exit 1
		}
		# The same mirror the system already uses for its suite (a site may
		# have its own mirror or proxy); deb.debian.org when none is found.
		step="finding the mirror of $VERSION_CODENAME in /etc/apt"
		mirror=$("$here/apt-sources.sh" mirror "$VERSION_CODENAME")
		[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
		step="writing $NONFREE_LIST"
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

# The units enabled now, to tell afterwards which ones the install enabled.
tmp=$(mktemp -d)
enabled_units() {
	find /etc/systemd/system -mindepth 2 -maxdepth 2 -path '*.wants/*' \
		\( -name '*.service' -o -name '*.socket' -o -name '*.timer' -o -name '*.path' \) \
		-printf '%f\n' 2>/dev/null | sort -u
}
step="listing the enabled systemd units"
enabled_units >"$tmp/before"

step="installing $POLICY_RC"
if [ -e "$POLICY_RC" ]; then
	echo "deps: keeping the existing $POLICY_RC (it decides which services start)"
else
	printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_MARK" >"$POLICY_RC"
	chmod 0755 "$POLICY_RC"
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
step="running apt-get update"
apt-get update -q --error-on=any
step="running apt-get install$missing"
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

step="disabling the units the install enabled"
enabled_units >"$tmp/after"
new=$(comm -13 "$tmp/before" "$tmp/after")
if [ -n "$new" ]; then
	# systemctl works offline too (no systemd running); a package's later
	# upgrades keep a unit the admin disabled disabled (debhelper's
	# snippets ask deb-systemd-helper was-enabled first).
	for unit in $new; do
		systemctl disable --quiet "$unit"
	done
	echo "deps: left disabled (test tools, not this machine's services):" $new
fi
step="finishing"
