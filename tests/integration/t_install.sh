# SPDX-License-Identifier: ISC
# make install / make uninstall: the layout under DESTDIR (PREFIX, SYSCONFDIR
# honoured), a configuration generated once and never overwritten, an
# uninstall that leaves nothing but a configuration the site changed; then,
# in a private mount namespace whose /etc, /usr/local and /var are overlays
# (so this machine keeps nothing), a real install: the system user created
# (or, when an earlier install or the package left it, kept), the
# tmpfiles.d entry applied (/var/agentx 0755), `portcomplyd --check` works
# with no option, the unit is valid and rated at most 2.0 by
# systemd-analyze security, and uninstall leaves nothing of it; a second
# install, with the user there from the first, works the same.
. "$(dirname "$0")/lib.sh"

mk() { make -C "$PC_ROOT" --no-print-directory BUILD="$PC_BUILD" "$@"; }
dest=$PC_TMP/dest

files_under() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

log "DESTDIR install, default PREFIX and SYSCONFDIR"
mk install DESTDIR="$dest" >"$PC_TMP/install.log" 2>&1 || { cat "$PC_TMP/install.log"; fail "make install"; }
expected=$( {
	echo usr/local/sbin/portcomplyd
	echo usr/local/share/snmp/mibs/PORT-COMPLIANCE-MIB.txt
	for f in "$PC_ROOT"/conf/catalog/*.conf; do echo "usr/local/share/portcomply/catalog/${f##*/}"; done
	echo usr/local/share/portcomply/catalog/README
	echo usr/local/share/man/man8/portcomplyd.8
	echo usr/local/share/man/man5/portcomply.conf.5
	echo usr/local/share/man/man5/portcomply-catalog.5
	echo usr/local/lib/systemd/system/portcomplyd.service
	echo usr/local/lib/tmpfiles.d/portcomply.conf
	echo etc/snmp/snmpd.conf.d/portcomply.conf
	echo etc/portcomply/portcomply.conf
} | sort)
diff <(echo "$expected") <(files_under "$dest") || fail "installed files differ from the layout"
grep -qx 'catalog = "/usr/local/share/portcomply/catalog"' "$dest/etc/portcomply/portcomply.conf" ||
	fail "the configuration does not name the installed catalog"
grep -qx 'ExecStart=/usr/local/sbin/portcomplyd -f -Lsd -c /etc/portcomply/portcomply.conf' \
	"$dest/usr/local/lib/systemd/system/portcomplyd.service" || fail "the unit's ExecStart"
# The installed configuration and catalog validate as they are.
sed 's|"/usr/local/share/portcomply/catalog"|"'"$dest"'/usr/local/share/portcomply/catalog"|' \
	"$dest/etc/portcomply/portcomply.conf" >"$PC_TMP/installed.conf"
"$PC_DAEMON" --expected -c "$PC_TMP/installed.conf" >/dev/null || fail "the installed configuration does not validate"

log "a changed configuration survives install and uninstall"
echo 'role "vnc" {}' >>"$dest/etc/portcomply/portcomply.conf"
mk install DESTDIR="$dest" >"$PC_TMP/install.log" 2>&1 || fail "second make install"
grep -q 'keeping the existing' "$PC_TMP/install.log" || fail "install did not say it kept the configuration"
grep -qx 'role "vnc" {}' "$dest/etc/portcomply/portcomply.conf" || fail "install overwrote the configuration"
mk uninstall DESTDIR="$dest" >"$PC_TMP/uninstall.log" 2>&1 || fail "make uninstall"
[ "$(files_under "$dest")" = etc/portcomply/portcomply.conf ] ||
	fail "uninstall left: $(files_under "$dest" | grep -vx etc/portcomply/portcomply.conf)"
grep -q 'keeping .*portcomply.conf' "$PC_TMP/uninstall.log" || fail "uninstall did not say it kept the configuration"
rm -rf "$dest"

log "PREFIX=/usr SYSCONFDIR=/srv/etc: a build for that layout"
pbuild=$PC_TMP/pbuild
# A copy of the objects (their dependency files moved along): make must
# see that the compiled-in paths changed and rebuild what uses them.
cp -a "$PC_BUILD" "$pbuild"
sed -i "s#\(^\| \)build/#\1$pbuild/#g" "$pbuild"/agent/*/*.d
mk install BUILD="$pbuild" DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/srv/etc >"$PC_TMP/install.log" 2>&1 ||
	{ cat "$PC_TMP/install.log"; fail "make install PREFIX=/usr"; }
[ -x "$dest/usr/sbin/portcomplyd" ] && [ -f "$dest/srv/etc/portcomply/portcomply.conf" ] &&
	[ -f "$dest/usr/share/portcomply/catalog/README" ] && [ -f "$dest/usr/lib/systemd/system/portcomplyd.service" ] &&
	[ -f "$dest/srv/etc/snmp/snmpd.conf.d/portcomply.conf" ] && [ -f "$dest/usr/share/snmp/mibs/PORT-COMPLIANCE-MIB.txt" ] &&
	[ -f "$dest/usr/lib/tmpfiles.d/portcomply.conf" ] || fail "PREFIX/SYSCONFDIR not honoured: $(files_under "$dest")"
"$dest/usr/sbin/portcomplyd" -h | grep -q '/srv/etc/portcomply/portcomply.conf' || fail "the default configuration path is not compiled in from SYSCONFDIR"
mk uninstall BUILD="$pbuild" DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/srv/etc >/dev/null 2>&1 || fail "uninstall PREFIX=/usr"
[ -z "$(files_under "$dest")" ] || fail "uninstall left: $(files_under "$dest")"
rm -rf "$dest" "$pbuild"

log "the real thing, in a private mount namespace over overlays"
mkdir -p "$PC_TMP/ov"
export PC_OV=$PC_TMP/ov
unshare -m bash -euo pipefail -c '
	for dir in /etc /usr/local /var; do
		name=$(echo "$dir" | tr / _)
		mkdir -p "$PC_OV/$name.upper" "$PC_OV/$name.work"
		mount -t overlay overlay -o "lowerdir=$dir,upperdir=$PC_OV/$name.upper,workdir=$PC_OV/$name.work" "$dir"
	done
	# A host where the package or an earlier make install ran keeps the
	# user (as packages keep theirs): both cases must work.
	install_round() {
		local had_user=$1
		make -C "$PC_ROOT" --no-print-directory BUILD="$PC_BUILD" install >"$PC_OV/install.log" 2>&1 ||
			{ cat "$PC_OV/install.log"; exit 1; }
		if [ "$had_user" = yes ]; then
			! grep -q "creating the system user" "$PC_OV/install.log" ||
				{ echo "install created a user that existed"; exit 1; }
		else
			grep -q "creating the system user portcomply" "$PC_OV/install.log" ||
				{ echo "install did not create the user"; exit 1; }
		fi
		entry=$(getent passwd portcomply) || { echo "no portcomply user"; exit 1; }
		echo "# user: $entry"
		uid=$(echo "$entry" | cut -d: -f3)
		[ "$uid" -lt 1000 ] && [ "$uid" -gt 0 ] || { echo "not a system uid: $uid"; exit 1; }
		[ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ] || { echo "has a login shell"; exit 1; }
		[ "$(stat -c %a /var/agentx)" = 755 ] || { echo "/var/agentx is $(stat -c %a /var/agentx), not 755"; exit 1; }
		cd /
		set +e
		/usr/local/sbin/portcomplyd --check >"$PC_OV/check.out" 2>&1
		rc=$?
		set -e
		head -n 1 "$PC_OV/check.out" | sed "s/^/# --check: /"
		[ "$rc" -le 2 ] && head -n 1 "$PC_OV/check.out" | grep -q "^PORTCOMPLY " ||
			{ echo "--check without options failed ($rc):"; cat "$PC_OV/check.out"; exit 1; }
		unit=/usr/local/lib/systemd/system/portcomplyd.service
		systemd-analyze verify "$unit" >"$PC_OV/verify.out" 2>&1 ||
			{ echo "systemd-analyze verify:"; cat "$PC_OV/verify.out"; exit 1; }
		rating=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n "s/.*Overall exposure level for portcomplyd.service: \([0-9.]*\).*/\1/p")
		echo "# systemd-analyze security: $rating"
		awk -v r="$rating" "BEGIN { exit !(r != \"\" && r <= 2.0) }" || { echo "exposure $rating > 2.0"; exit 1; }
		make -C "$PC_ROOT" --no-print-directory BUILD="$PC_BUILD" uninstall >"$PC_OV/uninstall.log" 2>&1 ||
			{ cat "$PC_OV/uninstall.log"; exit 1; }
	}
	if getent passwd portcomply >/dev/null; then
		echo "# this machine has a portcomply user already"
		install_round yes
	else
		install_round no
	fi
	install_round yes
' || fail "install on the (overlaid) real root"
# What the overlays kept: only the user accounts (packages keep theirs too),
# and /var/agentx, snmpd's directory, searchable.
left=$(cd "$PC_OV" && find ./*.upper -mindepth 1 \( -type f -o -type l -o -type c \) |
	grep -v -E '^\./_etc\.upper/(passwd|group|shadow|gshadow|subuid|subgid)-?$|/\.pwd\.lock$' || true)
[ -z "$left" ] || fail "uninstall left on the real root: $left"
leftdirs=$(cd "$PC_OV" && find ./*.upper -mindepth 1 -type d -name '*portcomply*')
[ -z "$leftdirs" ] || fail "uninstall left directories: $leftdirs"
log "ok"
