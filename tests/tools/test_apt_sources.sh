#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tools/apt-sources.sh, which make deps (tools/deps.sh) and the booted-host
# test's root builder ask which mirror serves a suite and whether non-free is
# enabled, against apt configurations as Debian writes them
# (tests/fixtures/apt/): debootstrap's and the installer's one-line
# sources.list, deb822 stanzas (deb-src and disabled ones do not count), a
# one-line entry with [options], and no sources at all.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tool=$root/tools/apt-sources.sh
fixtures=$root/tests/fixtures/apt
failed=0

expect_mirror() { # CASE SUITE URI
	local got
	if ! got=$("$tool" mirror "$2" "$fixtures/$1" 2>&1); then
		echo "FAIL apt-sources mirror $2 on $1: exit status $?: $got"
		failed=1
	elif [ "$got" != "$3" ]; then
		echo "FAIL apt-sources mirror $2 on $1: '$got', expected '$3'"
		failed=1
	fi
}

expect_component() { # CASE COMPONENT yes|no
	local got=no
	"$tool" has-component "$2" "$fixtures/$1" && got=yes
	if [ "$got" != "$3" ]; then
		echo "FAIL apt-sources has-component $2 on $1: $got, expected $3"
		failed=1
	fi
}

expect_mirror debootstrap bookworm http://deb.debian.org/debian
expect_component debootstrap main yes
expect_component debootstrap non-free no
expect_mirror installer bookworm http://ftp.fr.debian.org/debian/
expect_mirror installer bookworm-security http://security.debian.org/debian-security
expect_component installer non-free-firmware yes
expect_component installer non-free no
expect_mirror deb822 bookworm-updates http://mirror.example.net/debian
expect_component deb822 contrib yes
expect_component deb822 non-free no
expect_mirror options bookworm http://mirror.example.org/debian
expect_component options non-free yes
expect_mirror none bookworm ""
expect_component none main no
expect_mirror debootstrap trixie ""

if [ "$failed" = 0 ]; then
	echo "test_apt_sources: passed"
fi
exit "$failed"
