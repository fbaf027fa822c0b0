#!/usr/bin/env bash
# Makes sure the Debian tools the test suite drives are installed. As root it installs what is
# missing (apt-get, non-interactive); otherwise it lists what is missing and fails.
set -euo pipefail

# command → Debian package
declare -A NEED=(
  [chromium]=chromium
  [pdfsig]=poppler-utils
  [pdftoppm]=poppler-utils
  [qpdf]=qpdf
  [openssl]=openssl
  [certutil]=libnss3-tools
  [postfix]=postfix
  # Cyrus SASL for the Postfix e2e's submission login: saslpasswd2 writes its sasldb.
  [saslpasswd2]=sasl2-bin
  [softhsm2-util]=softhsm2
  [pkcs11-tool]=opensc
  [curl]=curl
  # the evidence page's QR code is read back by an independent decoder
  [zbarimg]=zbar-tools
  [python3]=python3
  # pkcs11js (the HSM binding) compiles a native addon at install time.
  [g++]=g++
  [make]=make
)
missing_pkgs=()
missing_cmds=()
for cmd in "${!NEED[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$cmd" ]; then
    missing_cmds+=("$cmd")
    missing_pkgs+=("${NEED[$cmd]}")
  fi
done
# The Postgres server binaries (initdb, pg_ctl) live outside PATH on Debian.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing_cmds+=(initdb)
  missing_pkgs+=(postgresql)
fi
# Postfix's Cyrus SASL loads its PLAIN mechanism and sasldb backend as plugins.
for plugin in libplain.so libsasldb.so; do
  if ! ls /usr/lib/*/sasl2/"$plugin" >/dev/null 2>&1; then
    missing_cmds+=("sasl2:$plugin")
    missing_pkgs+=(libsasl2-modules libsasl2-modules-db)
  fi
done
# pyHanko (vendored in ../shared/tools/pdf-validate) runs on Debian's own python3 and these modules.
declare -A PY_NEED=(
  [cryptography]=python3-cryptography [asn1crypto]=python3-asn1crypto [yaml]=python3-yaml
  [requests]=python3-requests [tzlocal]=python3-tzlocal [qrcode]=python3-qrcode [click]=python3-click
  [uritools]=python3-uritools [oscrypto]=python3-oscrypto [lxml]=python3-lxml
  [defusedxml]=python3-defusedxml [PIL]=python3-pil [certifi]=python3-certifi
  [platformdirs]=python3-platformdirs
)
for module in "${!PY_NEED[@]}"; do
  if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -s -c "import $module" >/dev/null 2>&1; then
    missing_cmds+=("python:$module")
    missing_pkgs+=("${PY_NEED[$module]}")
  fi
done
[ -x /usr/bin/python3 ] || missing_pkgs+=(python3)

if [ ${#missing_pkgs[@]} -eq 0 ]; then exit 0; fi
mapfile -t pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
if [ "$(id -u)" != 0 ]; then
  echo "Missing tools for the test suite: ${missing_cmds[*]}" >&2
  echo "Install them as root: apt-get install -y ${pkgs[*]}" >&2
  exit 1
fi
echo "Installing Debian packages the tests need: ${pkgs[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix must not ask questions nor configure itself: the tests run their own instance.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
