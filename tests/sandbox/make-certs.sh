#!/usr/bin/env bash
# Generate the test PKI for the sandbox and the terminals: a CA, the
# sandbox's server certificate, three terminal client certificates, and a
# second, untrusted CA with one client certificate for negative tests.
#
# Usage: make-certs.sh OUTDIR
#
# Keys are EC P-256 (prime256v1). Certificates are valid for 3650 days
# because they are test material made by the build and never committed.
# The server certificate names only DNS:localhost, because mbedTLS 2.28 does
# not match IP addresses in subjectAltName. The script does nothing when
# OUTDIR/ca.pem exists. It builds everything in a temporary folder and
# moves ca.pem into place last, so an interrupted run never leaves a set
# that looks complete.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=${1%/}

if [ -e "$out/ca.pem" ]; then
	exit 0
fi

command -v openssl >/dev/null || {
	echo "make-certs: openssl not found. Install the openssl package." >&2
	exit 1
}

mkdir -p "$out"
# Inside OUTDIR, so the final moves are renames on one file system.
work=$(mktemp -d "$out/.make-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

days=3650

# One configuration for every certificate, so the result does not depend
# on the system's openssl.cnf.
cat >"$work/openssl.cnf" <<'EOF'
[req]
distinguished_name = req_dn
prompt = no

[req_dn]

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# make_key NAME: write NAME.key, a P-256 private key.
make_key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
		-pkeyopt ec_param_enc:named_curve -out "$work/$1.key" 2>/dev/null
}

# make_ca NAME CN: write NAME.key and the self-signed NAME.pem.
make_ca() {
	make_key "$1"
	openssl req -new -x509 -config "$work/openssl.cnf" -key "$work/$1.key" \
		-subj "/O=Spotbanc sandbox/CN=$2" -sha256 -days "$days" \
		-extensions ca_ext -out "$work/$1.pem"
}

# make_leaf NAME CN EXTENSIONS CA: write NAME.key and NAME.pem signed by CA.
make_leaf() {
	make_key "$1"
	openssl req -new -config "$work/openssl.cnf" -key "$work/$1.key" \
		-subj "/O=Spotbanc sandbox/CN=$2" -out "$work/$1.csr"
	openssl x509 -req -in "$work/$1.csr" -CA "$work/$4.pem" \
		-CAkey "$work/$4.key" -CAcreateserial \
		-CAserial "$work/$4.srl" -sha256 -days "$days" \
		-extfile "$work/openssl.cnf" -extensions "$3" \
		-out "$work/$1.pem" 2>/dev/null
	rm -f "$work/$1.csr"
}

make_ca ca "Spotbanc Sandbox Test CA"
make_leaf server localhost server_ext ca
make_leaf client-T0001 T0001 client_ext ca
make_leaf client-T0002 T0002 client_ext ca
make_leaf client-T0003 T0003 client_ext ca

# The rogue client claims terminal T0001 but is signed by a CA the sandbox
# does not trust, so a handshake with it must fail.
make_ca rogue-ca "Untrusted Test CA"
make_leaf client-rogue T0001 client_ext rogue-ca

# Check the chains before anything is moved into place.
openssl verify -CAfile "$work/ca.pem" "$work/server.pem" \
	"$work/client-T0001.pem" "$work/client-T0002.pem" \
	"$work/client-T0003.pem" >/dev/null
openssl verify -CAfile "$work/rogue-ca.pem" "$work/client-rogue.pem" \
	>/dev/null

chmod 600 "$work"/*.key
chmod 644 "$work"/*.pem
for name in ca.key server.pem server.key client-T0001.pem client-T0001.key \
	client-T0002.pem client-T0002.key client-T0003.pem \
	client-T0003.key rogue-ca.pem client-rogue.pem \
	client-rogue.key; do
	mv -f "$work/$name" "$out/$name"
done
mv -f "$work/ca.pem" "$out/ca.pem"
echo "make-certs: wrote test certificates to $out"
