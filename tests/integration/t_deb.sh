# SPDX-License-Identifier: ISC
# make deb: dpkg-buildpackage -us -uc -b in a copy of the tree, lintian
# without errors; the package holds binary, catalog, MIB, man pages, unit,
# snmpd drop-in and the configuration as conffiles; installed with dpkg in
# a private mount namespace over overlays (this machine keeps nothing), it
# creates the system user (or keeps the one an earlier install left),
# applies its tmpfiles.d entry (/var/agentx 0755), enables the unit, and
# --check works with no option; purged, it leaves no file of its own;
# installed again, with the user the first install left, the same.
. "$(dirname "$0")/lib.sh"

started=$(date +%s)
deb=$(make -C "$PC_ROOT" --no-print-directory deb BUILD="$PC_TMP/b" | tail -n 1) || fail "make deb"
log "built $(basename "$deb") in $(($(date +%s) - started)) s"
[ -f "$deb" ] || fail "no package: $deb"
[ -z "$(ls "$PC_ROOT"/.. | grep -E '^portcomply.*\.(deb|changes|buildinfo)$' || true)" ] ||
	fail "make deb wrote beside the source tree"

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for f in ./usr/sbin/portcomplyd ./usr/share/snmp/mibs/PORT-COMPLIANCE-MIB.txt \
	./usr/share/portcomply/catalog/01-icm-enterprise.conf ./usr/share/portcomply/catalog/README \
	./usr/share/man/man8/portcomplyd.8.gz ./usr/share/man/man5/portcomply.conf.5.gz \
	./usr/share/man/man5/portcomply-catalog.5.gz ./lib/systemd/system/portcomplyd.service \
	./etc/snmp/snmpd.conf.d/portcomply.conf ./etc/portcomply/portcomply.conf; do
	grep -qx -- "$f" <<<"$contents" || fail "the package lacks $f"
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
for f in /etc/portcomply/portcomply.conf /etc/snmp/snmpd.conf.d/portcomply.conf; do
	grep -qx -- "$f" <<<"$conffiles" || fail "$f is not a conffile"
done
dpkg-deb -f "$deb" Depends | grep -q adduser || fail "no dependency on adduser"
dpkg-deb -I "$deb" postinst | grep -q 'adduser --system' || fail "postinst creates no system user"

log "installed with dpkg, over overlays"
export PC_OV=$PC_TMP/ov DEB=$deb
mkdir -p "$PC_OV"
unshare -m bash -euo pipefail -c '
	for dir in /etc /usr /var; do
		name=$(echo "$dir" | tr / _)
		mkdir -p "$PC_OV/$name.upper" "$PC_OV/$name.work"
		mount -t overlay overlay -o "lowerdir=$dir,upperdir=$PC_OV/$name.upper,workdir=$PC_OV/$name.work" "$dir"
	done
	install_round() {
		dpkg -i "$DEB" >"$PC_OV/dpkg.log" 2>&1 || { cat "$PC_OV/dpkg.log"; exit 1; }
		entry=$(getent passwd portcomply) || { echo "no portcomply user after install"; exit 1; }
		echo "# user: $entry"
		[ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ] || { echo "has a login shell"; exit 1; }
		[ -L /etc/systemd/system/multi-user.target.wants/portcomplyd.service ] || { echo "unit not enabled"; exit 1; }
		[ -f /usr/lib/tmpfiles.d/portcomply.conf ] && [ "$(stat -c %a /var/agentx)" = 755 ] ||
			{ echo "the tmpfiles.d entry was not applied"; exit 1; }
		grep -qx "catalog = \"/usr/share/portcomply/catalog\"" /etc/portcomply/portcomply.conf ||
			{ echo "the configuration does not name the packaged catalog"; exit 1; }
		cd /
		set +e
		portcomplyd --check >"$PC_OV/check.out" 2>&1
		rc=$?
		set -e
		head -n 1 "$PC_OV/check.out" | sed "s/^/# --check: /"
		[ "$rc" -le 2 ] && head -n 1 "$PC_OV/check.out" | grep -q "^PORTCOMPLY " || { cat "$PC_OV/check.out"; exit 1; }
		dpkg --purge portcomply >"$PC_OV/purge.log" 2>&1 || { cat "$PC_OV/purge.log"; exit 1; }
		for f in /usr/sbin/portcomplyd /etc/portcomply /etc/snmp/snmpd.conf.d/portcomply.conf \
			/usr/share/portcomply /lib/systemd/system/portcomplyd.service /usr/lib/tmpfiles.d/portcomply.conf; do
			[ ! -e "$f" ] || { echo "purge left $f"; exit 1; }
		done
	}
	# A host where the package or make install ran before keeps the user.
	getent passwd portcomply >/dev/null && echo "# this machine has a portcomply user already"
	install_round
	getent passwd portcomply >/dev/null || { echo "purge removed the user"; exit 1; }
	install_round
' || fail "dpkg install"
log "ok"
