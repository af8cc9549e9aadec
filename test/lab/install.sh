#!/usr/bin/env bash
# Installs the Debian daemons of the lab tier (Postfix, Dovecot, NSD, rbldnsd, unbound as the validating
# resolver in front of a DNSSEC-signed NSD zone) and the tools the
# lab uses (swaks with its TLS module, dig, openssl, ldns-signzone and ldns-keygen, ip, and chromium for the report's browser test, driven
# headless by playwright-core: no browser is downloaded). Nothing is started: Postfix is preseeded to "No configuration"
# and a policy-rc.d that exits 101 keeps every package's init script quiet. Idempotent: when every
# package is already installed it returns at once without touching apt.
set -euo pipefail

PACKAGES=(
  postfix dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve
  nsd rbldnsd swaks libnet-ssleay-perl bind9-dnsutils openssl iproute2 chromium bsdutils
  unbound ldnsutils
)

LABEL="lab install"
# shellcheck source=../../scripts/debian-missing.sh
source "$(dirname "$0")/../../scripts/debian-missing.sh"

export DEBIAN_FRONTEND=noninteractive
start=$(date +%s.%N)

# Keep init scripts from starting anything, restoring whatever policy-rc.d was there before.
POLICY=/usr/sbin/policy-rc.d
saved_policy=""
if [[ -e "$POLICY" ]]; then
  saved_policy=$(mktemp)
  cp -p "$POLICY" "$saved_policy"
fi
restore_policy() {
  if [[ -n "$saved_policy" ]]; then
    cp -p "$saved_policy" "$POLICY" && rm -f "$saved_policy"
  else
    rm -f "$POLICY"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"$POLICY"
chmod 755 "$POLICY"

echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string lab.test" | debconf-set-selections

apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v p="${missing[*]}" 'BEGIN { printf "lab install: installed %s in %.1f s\n", p, e - s }'
