#!/usr/bin/env bash
# Script peer of the dns probe (bench/dns.bench.ts): the checks the probe makes of one domain, the way an admin
# scripts them with dig, spfquery (spf-tools-perl), openssl and curl, each tool at its best (dig asks each round of
# questions in one process: the domain's records, then what they name). MX present and not CNAMEs, each MX host
# with an address; one SPF record ending in -all or ~all, its includes resolved and at most 10 DNS-querying terms,
# the sending IP authorised (spfquery does its own lookups, stopping at the first match); the DKIM key present and
# at least 1024 bits; DMARC on the domain and the DNS tree walk above it (RFC 9989), policy and reports; MTA-STS
# record, policy fetched over HTTPS, every MX matching it; TLS-RPT; PTR with forward confirmation.
# Usage: dns_checks.sh SERVER PORT DOMAIN SELECTOR SENDING_IP HTTPS_PORT CA_FILE. Exits 1 naming a failed check.
set -euo pipefail
server=$1 port=$2 domain=$3 selector=$4 ip=$5 https_port=$6 ca=$7
fail() {
  echo "dns check failed: $*" >&2
  exit 1
}
ask() { dig @"$server" -p "$port" +tries=1 +time=2 +noall +answer "$@"; }
declare -A answer # "name TYPE" -> data lines
collect() {
  local name ttl class type data
  while read -r name ttl class type data; do
    answer["${name%.} $type"]+="${data}"$'\n'
  done
}
parent=${domain#*.}
IFS=. read -r a b c d <<<"$ip"
reverse="$d.$c.$b.$a.in-addr.arpa"
collect < <(ask "$domain" MX "$domain" TXT "$selector._domainkey.$domain" TXT "_dmarc.$domain" TXT \
  "_dmarc.$parent" TXT "_dmarc.${parent#*.}" TXT "_mta-sts.$domain" TXT "_smtp._tls.$domain" TXT \
  "$reverse" PTR "mta-sts.$domain" A)
txt() { tr -d '"' <<<"${answer["$1 TXT"]:-}" | sed 's/\\ / /g'; }

mapfile -t mx < <(awk 'NF {print $2}' <<<"${answer["$domain MX"]:-}" | sed 's/\.$//')
((${#mx[@]} > 0)) || fail "no MX"
ptr=$(sed -n '1s/\.$//p' <<<"${answer["$reverse PTR"]:-}")
[[ -n "$ptr" ]] || fail "no PTR for $ip"
spf=$(txt "$domain" | grep '^v=spf1 ' || true)
mapfile -t includes < <(grep -oE '(include:|redirect=)[^ ]+' <<<"$spf" | sed 's/^[a-z]*[:=]//')
# The second round of questions, all known by now: MX host addresses, the PTR name's, SPF includes.
second=()
for h in "${mx[@]}"; do second+=("$h" A "$h" AAAA); done
[[ " ${mx[*]} " == *" $ptr "* ]] || second+=("$ptr" A)
for i in "${includes[@]}"; do second+=("$i" TXT); done
collect < <(ask "${second[@]}")
for h in "${mx[@]}"; do
  [[ -z "${answer["$h CNAME"]:-}" ]] || fail "MX $h is a CNAME"
  [[ -n "${answer["$h A"]:-}${answer["$h AAAA"]:-}" ]] || fail "MX $h has no address"
done

[[ $(grep -c . <<<"$spf") -eq 1 ]] || fail "not exactly one SPF record"
[[ "$spf" =~ [-~]all$ ]] || fail "SPF does not end in -all or ~all"
# spfquery stops at the first matching term; the lookup and void-lookup limits (RFC 7208 4.6.4) need the includes.
lookups=$(grep -oE '(^| )[-+~?]?(include:|a[:/ ]|a$|mx[:/ ]|mx$|ptr|exists:|redirect=)' <<<"$spf" | grep -c . || true)
for i in "${includes[@]}"; do
  inner=$(txt "$i" | grep '^v=spf1 ' || true)
  [[ -n "$inner" ]] || fail "SPF include $i has no SPF record (void lookup)"
  lookups=$((lookups + $(grep -oE '(^| )[-+~?]?(include:|a[:/ ]|a$|mx[:/ ]|mx$|ptr|exists:|redirect=)' <<<"$inner" | grep -c . || true)))
done
((lookups <= 10)) || fail "SPF needs $lookups DNS lookups (limit 10)"
result=$(RES_NAMESERVERS=$server RES_OPTIONS="port:$port" spfquery --scope mfrom --id "postmaster@$domain" --ip "$ip" | head -1)
[[ "$result" == pass ]] || fail "SPF $result for $ip"

key=$(txt "$selector._domainkey.$domain" | tr -d ' ' | sed -n 's/.*p=\([^;]*\).*/\1/p')
[[ -n "$key" ]] || fail "no DKIM key at $selector"
bits=$(base64 -d <<<"$key" | openssl pkey -pubin -inform DER -noout -text | sed -n 's/.*(\([0-9]*\) bit).*/\1/p')
((bits >= 1024)) || fail "DKIM key of $bits bits"

dmarc=$(txt "_dmarc.$domain")
[[ "$dmarc" == v=DMARC1* ]] || fail "no DMARC record"
[[ "$dmarc" =~ p=(reject|quarantine) ]] || fail "DMARC policy not enforcing"
[[ "$dmarc" == *rua=mailto:* ]] || fail "DMARC without aggregate reports"
[[ $(txt "_dmarc.$parent") == v=DMARC1* ]] || fail "no DMARC record at the organisational domain $parent"

[[ $(txt "_mta-sts.$domain") =~ ^v=STSv1\;\ *id=[A-Za-z0-9]+ ]] || fail "no MTA-STS record"
address=$(sed -n 1p <<<"${answer["mta-sts.$domain A"]:-}")
policy=$(curl -sS --fail --max-time 5 --cacert "$ca" --resolve "mta-sts.$domain:$https_port:$address" \
  "https://mta-sts.$domain:$https_port/.well-known/mta-sts.txt")
grep -qx 'version: STSv1' <<<"$policy" || fail "MTA-STS policy version"
grep -qx 'mode: enforce' <<<"$policy" || fail "MTA-STS mode is not enforce"
age=$(sed -n 's/^max_age: *//p' <<<"$policy")
((age >= 86400)) || fail "MTA-STS max_age $age"
mapfile -t patterns < <(sed -n 's/^mx: *//p' <<<"$policy")
for h in "${mx[@]}"; do
  ok=
  for p in "${patterns[@]}"; do
    # shellcheck disable=SC2053 # the policy's pattern is a glob on purpose (*.example.com)
    [[ "$h" == $p ]] && ok=1
  done
  [[ -n "$ok" ]] || fail "MX $h not in the MTA-STS policy"
done

[[ $(txt "_smtp._tls.$domain") =~ ^v=TLSRPTv1\;\ *rua= ]] || fail "no TLS-RPT record"
grep -qx "$ip" <<<"${answer["$ptr A"]:-}" || fail "PTR $ptr does not resolve back to $ip"
echo "all checks pass"
