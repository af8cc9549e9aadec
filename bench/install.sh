#!/usr/bin/env bash
# Installs the peers the benchmark measures mailprobe against, from Debian: swaks and monitoring-plugins'
# check_smtp (whole-process SMTP), Debian's python3 with python3-dkim (in-process smtplib and DKIM signing),
# spf-tools-perl's spfquery, bind9-dnsutils' dig, openssl and curl (the dns probe's script peer,
# bench/peers/dns_checks.sh). npm's `dnsbl` (the DNSBL sweep's peer) is a devDependency, installed by `npm ci`.
# Idempotent; must run as root when something is missing. The lab itself: test/lab/install.sh.
set -euo pipefail

PACKAGES=(swaks libnet-ssleay-perl monitoring-plugins-standard python3 python3-dkim spf-tools-perl bind9-dnsutils openssl curl)

LABEL="bench install"
# shellcheck source=../scripts/debian-missing.sh
source "$(dirname "$0")/../scripts/debian-missing.sh"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "bench install: installed ${missing[*]}"
