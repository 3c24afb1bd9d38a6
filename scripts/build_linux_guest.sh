#!/usr/bin/env bash
# Assembles the linux-6.1 guest: Debian 12's 6.1 kernel and an initramfs with
# busybox, the agent (build/bin/closeprobe-agent) and its libraries, socat, and
# the kernel modules the agent needs (e1000, tcp_diag, nf_tables and their
# dependencies), into build/guest/linux-6.1/ (vmlinuz, initramfs.cpio.gz,
# release). `closeprobe run --platforms linux-6.1,...` boots it under QEMU.
#
#   scripts/build_linux_guest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BUILD_DIR:-build}/guest/linux-6.1
agent=${BUILD_DIR:-build}/bin/closeprobe-agent
[ -x "$agent" ] || { echo "build_linux_guest.sh: $agent is not built (scripts/build.sh)" >&2; exit 2; }
scripts/setup_debian.sh guest

# The newest 6.1 kernel package Debian 12 has.
package=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | cut -d' ' -f1 | sort -V | tail -1)
[ -n "$package" ] || { apt-get update -qq; package=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | cut -d' ' -f1 | sort -V | tail -1); }
release=${package#linux-image-}; release=${release%-unsigned}
version=$(apt-cache show "$package" | awk '/^Version:/{print $2; exit}')
stamp="$package $version $(sha256sum "$agent" scripts/linux_guest/init "$0" | sha256sum | cut -c1-16)"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ]; then
  echo "build_linux_guest.sh: $out is up to date ($release)" >&2; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$package=$version" >/dev/null 2>&1)
dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
modules="$work/kernel/lib/modules/$release"

root="$work/root"
mkdir -p "$root"/{bin,etc,proc,sys,dev,run,tmp,lib/modules}
cp /bin/busybox "$root/bin/busybox"
install -m755 scripts/linux_guest/init "$root/init"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
# Programs with every library they load, at the same paths.
for program in "$agent" "$(command -v socat)"; do
  cp "$program" "$root/bin/"
  for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
# Modules in load order: each after what it depends on.
order=()
add_module() {
  local name=$1 file dep
  file=$(find "$modules/kernel" -name "$name.ko" -o -name "${name//_/-}.ko" | head -1)
  [ -n "$file" ] || { echo "build_linux_guest.sh: no module $name in $package" >&2; exit 1; }
  for dep in $(modinfo -F depends "$file" | tr ',' ' '); do add_module "$dep"; done
  # Soft dependencies name an algorithm (libcrc32c: "pre: crc32c"): its generic module.
  for dep in $(modinfo -F softdep "$file" | sed -n 's/^pre: *//p'); do
    if find "$modules/kernel" -name "$dep.ko" | grep -q .; then add_module "$dep"; else add_module "${dep}_generic"; fi
  done
  local rel=${file#"$modules"/}
  for done_rel in "${order[@]}"; do [ "$done_rel" = "$rel" ] && return; done
  order+=("$rel")
}
for name in e1000 inet_diag tcp_diag nf_tables; do add_module "$name"; done
for rel in "${order[@]}"; do
  mkdir -p "$root/lib/modules/$(dirname "$rel")"
  cp "$modules/$rel" "$root/lib/modules/$rel"
done
printf '%s\n' "${order[@]}" > "$root/etc/closeprobe-modules"

mkdir -p "$out"
cp "$work/kernel/boot/vmlinuz-$release" "$out/vmlinuz"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/initramfs.cpio.gz"
echo "$release" > "$out/release"
echo "$stamp" > "$out/stamp"
echo "build_linux_guest.sh: $out: Linux $release ($version), initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1)" >&2
