#!/bin/sh
# Makes the mutual-TLS demo's certificates with the JDK's keytool, at image build time: a CA, a
# certificate for hello-server (also localhost and 127.0.0.1) and one for the client, as PKCS#12
# stores Spring's JKS bundles read. Demo only: made fresh by every build, nothing committed, the
# store password is the one docker-compose.mtls.yml passes.
#
#   docker/make-demo-certs.sh OUT_DIR [STORE_PASSWORD]
set -eu
out=$1
pass=${2:-demo-only}
mkdir -p "$out"
cd "$out"
kt() { keytool "$@" -storetype PKCS12 -storepass "$pass" -keypass "$pass" -noprompt; }

kt -genkeypair -alias ca -dname "CN=hello-rpc demo CA" -keyalg EC -groupname secp256r1 -validity 365 -ext bc:c -keystore ca.p12
kt -exportcert -rfc -alias ca -keystore ca.p12 -file ca.crt
kt -importcert -alias ca -file ca.crt -keystore trust.p12

for leaf in server client; do
  if [ "$leaf" = server ]; then
    usage="-ext san=dns:hello-server,dns:localhost,ip:127.0.0.1 -ext eku=serverAuth"
  else
    usage="-ext eku=clientAuth"
  fi
  kt -genkeypair -alias "$leaf" -dname "CN=hello-rpc demo $leaf" -keyalg EC -groupname secp256r1 -validity 365 -keystore "$leaf.p12"
  kt -certreq -alias "$leaf" -keystore "$leaf.p12" -file "$leaf.csr"
  # shellcheck disable=SC2086
  kt -gencert -alias ca -keystore ca.p12 -infile "$leaf.csr" -outfile "$leaf.crt" -rfc $usage -validity 365
  # the reply replaces the self-signed certificate with the chain: leaf, then the CA
  kt -importcert -alias ca -file ca.crt -keystore "$leaf.p12"
  kt -importcert -alias "$leaf" -file "$leaf.crt" -keystore "$leaf.p12"
  kt -delete -alias ca -keystore "$leaf.p12"
done
# The CA's key signs nothing more.
rm -f ca.p12 ./*.csr
chmod 644 ./*
