#!/usr/bin/env bash
# Install the Debian packages spotagent needs and build a static libcurl on
# mbedTLS into build/curl. Each step is skipped when its result is present.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
curl_prefix="$build/curl"

packages=(
	build-essential pkg-config dpkg-dev
	libncurses-dev libsqlite3-dev libmbedtls-dev libusb-1.0-0-dev
	libjansson-dev libinih-dev libcmocka-dev libumockdev-dev umockdev
	zlib1g-dev tmux openssl python3 ca-certificates
)

missing=()
for package in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
	if [ "$status" != "install ok installed" ]; then
		missing+=("$package")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		sudo=sudo
	else
		sudo=
	fi
	echo "deps: installing ${missing[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
fi

# A system libcurl already built on mbedTLS makes the private build needless.
if pkg-config --static --libs libcurl 2>/dev/null | grep -q mbedtls; then
	echo "deps: using the system libcurl (mbedTLS)"
	exit 0
fi

if [ -f "$curl_prefix/lib/libcurl.a" ]; then
	echo "deps: build/curl/lib/libcurl.a is present"
	exit 0
fi

# Fetch Debian's curl source through a private apt configuration so the
# system's sources stay untouched.
apt_dir="$build/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.d" "$build/src"
sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
	>"$apt_dir/sources.d/debian-src.sources"
apt_opts=(
	-o "Dir::Etc::SourceList=/dev/null"
	-o "Dir::Etc::SourceParts=$apt_dir/sources.d"
	-o "Dir::State::Lists=$apt_dir/lists"
)
apt-get "${apt_opts[@]}" update -q
cd "$build/src"
rm -rf curl-*/
apt-get "${apt_opts[@]}" source --download-only -q curl
dpkg-source -x curl_*.dsc >/dev/null
source_dir=$(find . -maxdepth 1 -type d -name 'curl-*' | head -n 1)
cd "$source_dir"

./configure --prefix="$curl_prefix" --with-mbedtls \
	--disable-shared --enable-static --with-pic \
	--enable-http --disable-ftp --disable-file --disable-ldap \
	--disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
	--disable-tftp --disable-pop3 --disable-imap --disable-smb \
	--disable-smtp --disable-gopher --disable-mqtt --disable-manual \
	--without-libpsl --without-brotli --without-zstd --without-libidn2 \
	--without-nghttp2 --without-librtmp --without-libssh2 \
	--disable-ntlm --disable-docs >"$build/curl-configure.log" 2>&1
make -j"$(nproc)" -C lib >"$build/curl-make.log" 2>&1
make -C lib install >>"$build/curl-make.log" 2>&1
make -C include install >>"$build/curl-make.log" 2>&1
install -m 644 libcurl.pc "$curl_prefix/lib/pkgconfig/" 2>/dev/null ||
	{ mkdir -p "$curl_prefix/lib/pkgconfig"; install -m 644 libcurl.pc "$curl_prefix/lib/pkgconfig/"; }
echo "deps: built $curl_prefix/lib/libcurl.a"
