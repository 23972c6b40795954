#!/bin/sh
# SPDX-License-Identifier: ISC
# make deb: the Debian package, built from a copy of the tree in OUT/src so
# that dpkg-buildpackage, which writes its results next to the tree, writes
# nothing beside the source; the .deb ends up in OUT, checked by lintian
# (errors fail the build).
#
#   tools/build-deb.sh OUT
set -eu
out=${1:?usage: build-deb.sh OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
src=$out/src/portcomply-$version
rm -rf "$out/src"
mkdir -p "$src"
# The tree as git sees it (committed or not, without ignored files such as
# build/); a tree without git: everything but build/.
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$root" ls-files -z -co --exclude-standard | (cd "$root" && xargs -0 tar -cf - --no-recursion) | tar -C "$src" -xf -
else
	tar -C "$root" --exclude=./build -cf - . | tar -C "$src" -xf -
fi
(cd "$src" && unset MAKEFLAGS MFLAGS MAKELEVEL && DEB_BUILD_OPTIONS="parallel=$(nproc) noddebs ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) ||
	{ tail -n 40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2; exit 1; }
deb=$(ls "$out"/src/portcomply_"$version"_*.deb)
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out/" 2>/dev/null || true
deb=$out/$(basename "$deb")
lintian --fail-on error --suppress-tags bad-distribution-in-changes-file "$deb" >"$out/lintian.log" 2>&1 ||
	{ cat "$out/lintian.log" >&2; echo "deb: lintian found errors" >&2; exit 1; }
rm -rf "$out/src"
echo "$deb"
