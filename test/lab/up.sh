#!/usr/bin/env bash
# Starts the lab tier's real daemons on 127.0.0.1: Postfix (MX-style, submission, implicit TLS),
# Dovecot (LMTP, auth, IMAP with STARTTLS, IMAPS, sieve), NSD (test/lab/zones/*.zone) and
# rbldnsd (test/lab/rbl/<zone>.<dataset type>) and unbound, a validating resolver in front of NSD that trusts the
# zones of test/lab/dnssec/ (signed here with ldns-signzone; bogus.test with signatures long expired). Everything they need is generated afresh under the
# run directory, which is per network namespace (test/lab/.run/net-<inode>) so that labs started in
# separate `unshare -n` namespaces never meet. A previous run in the same namespace is stopped first.
# Returns once every daemon answers, or fails naming the daemon and the tail of its log.
# Ports can be overridden through LAB_*_PORT (test/lab/global-setup.ts passes those of ports.ts).
set -euo pipefail
trap 'echo "lab up: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN="$LAB/.run/net-$(readlink /proc/self/ns/net | tr -dc 0-9)"
HOST=127.0.0.1
: "${LAB_SMTP_PORT:=2525}" "${LAB_SUBMISSION_PORT:=2587}" "${LAB_SMTPS_PORT:=2465}"
: "${LAB_IMAP_PORT:=2143}" "${LAB_IMAPS_PORT:=2993}" "${LAB_DNS_PORT:=5300}" "${LAB_RBL_PORT:=5353}"
: "${LAB_SIZED_PORT:=2526}" "${LAB_HIDDEN_LIMIT_PORT:=2527}" "${LAB_OAUTH_INTROSPECTION_PORT:=2980}"
: "${LAB_VALIDATOR_PORT:=5354}"
: "${LAB_WEAK_TLS_PORT:=2528}" "${LAB_LEGACY_TLS_PORT:=2529}"
: "${LAB_LEAF_ONLY_PORT:=2530}" "${LAB_FULL_CHAIN_PORT:=2531}" "${LAB_BUSY_PORT:=2532}" "${LAB_NO_SMTPUTF8_PORT:=2533}"
: "${LAB_UP_TIMEOUT:=15}"
RBL_TYPES=" ip4set ip4tset ip4trie ip6tset ip6trie dnset generic combined "

fail() {
  echo "lab up: $*" >&2
  exit 1
}

# --- preconditions -------------------------------------------------------------------------
((EUID == 0)) || fail "must run as root (Postfix and Dovecot drop privileges to their own users)"
POSTFIX_MASTER=/usr/lib/postfix/sbin/master
for bin in $POSTFIX_MASTER dovecot nsd nsd-checkzone rbldnsd unbound ldns-keygen ldns-signzone openssl dig setsid; do
  command -v "$bin" >/dev/null || fail "$bin not found: run test/lab/install.sh (as root) first"
done
for user in postfix mail dovecot dovenull rbldns; do
  getent passwd "$user" >/dev/null || fail "system user $user missing: run test/lab/install.sh first"
done

"$LAB/down.sh" --quiet

zones=()
declare -A zone_file
for file in "$LAB"/zones/*.zone; do
  [[ -e "$file" ]] || continue
  zone=$(basename "$file" .zone)
  out=$(nsd-checkzone "$zone" "$file" 2>&1) || fail "zone file $file does not load: $out"
  zones+=("$zone")
  zone_file[$zone]=$file
done
rbl_sets=() rbl_zones=()
for file in "$LAB"/rbl/*.*; do
  [[ -e "$file" ]] || continue
  name=$(basename "$file")
  type=${name##*.}
  [[ "$RBL_TYPES" == *" $type "* ]] || continue
  rbl_sets+=("${name%.*}:$type:$name")
  [[ " ${rbl_zones[*]} " == *" ${name%.*} "* ]] || rbl_zones+=("${name%.*}")
done

# --- fresh state -----------------------------------------------------------------------------
rm -rf "$RUN"
mkdir -p "$LAB/.run" # a fresh clone has none yet
# Forget the state of labs in other namespaces that were stopped (no pids file) over an hour ago.
find "$LAB/.run" -mindepth 1 -maxdepth 1 -name 'net-*' -mmin +60 2>/dev/null | while read -r old; do
  [[ -e "$old/pids" ]] || rm -rf "$old"
done
mkdir -p "$RUN"/{tls,postfix/etc,postfix/data,dovecot/etc,dovecot/run,dovecot/state,dovecot/sieve,mail,nsd/xfr,rbldnsd,dnssec,unbound}

render() { # render TEMPLATE OUTPUT: fills the @...@ markers
  sed -e "s|@RUN@|$RUN|g" -e "s|@LAB@|$LAB|g" \
    -e "s|@SMTP_PORT@|$LAB_SMTP_PORT|g" -e "s|@SUBMISSION_PORT@|$LAB_SUBMISSION_PORT|g" \
    -e "s|@SMTPS_PORT@|$LAB_SMTPS_PORT|g" -e "s|@IMAP_PORT@|$LAB_IMAP_PORT|g" \
    -e "s|@IMAPS_PORT@|$LAB_IMAPS_PORT|g" -e "s|@DNS_PORT@|$LAB_DNS_PORT|g" \
    -e "s|@SIZED_PORT@|$LAB_SIZED_PORT|g" -e "s|@HIDDEN_LIMIT_PORT@|$LAB_HIDDEN_LIMIT_PORT|g" \
    -e "s|@OAUTH_INTROSPECTION_PORT@|$LAB_OAUTH_INTROSPECTION_PORT|g" \
    -e "s|@VALIDATOR_PORT@|$LAB_VALIDATOR_PORT|g" \
    -e "s|@WEAK_TLS_PORT@|$LAB_WEAK_TLS_PORT|g" -e "s|@LEGACY_TLS_PORT@|$LAB_LEGACY_TLS_PORT|g" \
    -e "s|@LEAF_ONLY_PORT@|$LAB_LEAF_ONLY_PORT|g" -e "s|@FULL_CHAIN_PORT@|$LAB_FULL_CHAIN_PORT|g" \
    -e "s|@BUSY_PORT@|$LAB_BUSY_PORT|g" -e "s|@NO_SMTPUTF8_PORT@|$LAB_NO_SMTPUTF8_PORT|g" "$1" >"$2"
}

# Test CA and a server certificate for mail.lab.test, localhost and 127.0.0.1 (ECDSA P-256: fast).
tls="$RUN/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/O=mailprobe lab/CN=mailprobe lab CA" -keyout "$tls/ca.key" -out "$tls/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/O=mailprobe lab/CN=mail.lab.test" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
  -days 365 -out "$tls/server.crt" -extfile <(printf '%s\n' \
    "subjectAltName=DNS:mail.lab.test,DNS:*.dane.test,DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth") 2>/dev/null
# An RSA server certificate for the weak-TLS port (RSA key exchange needs an RSA key).
openssl req -new -newkey rsa:2048 -nodes -subj "/O=mailprobe lab/CN=mail.lab.test" \
  -keyout "$tls/rsa.key" -out "$tls/rsa.csr" 2>/dev/null
openssl x509 -req -in "$tls/rsa.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
  -days 365 -out "$tls/rsa.crt" -extfile <(printf '%s\n' \
    "subjectAltName=DNS:mail.lab.test,DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth") 2>/dev/null
# A chain as public CAs issue it: the test CA signs an intermediate, the intermediate signs the leaf, and the leaf
# names where its issuer can be fetched (AIA caIssuers, which browsers follow and MTAs do not). One Postfix service
# serves the leaf alone, one the leaf and the intermediate.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/O=mailprobe lab/CN=mailprobe lab intermediate" -keyout "$tls/intermediate.key" -out "$tls/intermediate.csr" 2>/dev/null
openssl x509 -req -in "$tls/intermediate.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
  -days 365 -out "$tls/intermediate.crt" -extfile <(printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" \
    "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid") 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/O=mailprobe lab/CN=mail.lab.test" -keyout "$tls/chain-leaf.key" -out "$tls/chain-leaf.csr" 2>/dev/null
openssl x509 -req -in "$tls/chain-leaf.csr" -CA "$tls/intermediate.crt" -CAkey "$tls/intermediate.key" \
  -set_serial "0x$(openssl rand -hex 8)" -days 365 -out "$tls/chain-leaf.crt" -extfile <(printf '%s\n' \
    "subjectAltName=DNS:mail.lab.test,DNS:*.dane.test,DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
    "authorityInfoAccess=caIssuers;URI:http://ca.lab.test/intermediate.crt") 2>/dev/null
chmod 600 "$tls"/*.key

# DNSSEC: the zones of test/lab/dnssec/ get TLSA digests of these certificates, a KSK and a ZSK each
# (ECDSA P-256; legacy.test RSASHA1), and are signed; bogus.test with signatures that expired in 2020.
# Each KSK is a trust anchor of unbound.
leaf_spki_sha256=$(openssl x509 -in "$tls/server.crt" -noout -pubkey | openssl pkey -pubin -outform DER |
  openssl dgst -sha256 -r | cut -d' ' -f1)
ca_cert_sha256=$(openssl x509 -in "$tls/ca.crt" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
intermediate_spki_sha256=$(openssl x509 -in "$tls/intermediate.crt" -noout -pubkey | openssl pkey -pubin -outform DER |
  openssl dgst -sha256 -r | cut -d' ' -f1)
sec="$RUN/dnssec"
: >"$RUN/unbound/anchors"
for file in "$LAB"/dnssec/*.zone; do
  [[ -e "$file" ]] || continue
  zone=$(basename "$file" .zone)
  sed -e "s|@LEAF_SPKI_SHA256@|$leaf_spki_sha256|g" -e "s|@CA_CERT_SHA256@|$ca_cert_sha256|g" \
    -e "s|@INTERMEDIATE_SPKI_SHA256@|$intermediate_spki_sha256|g" -e "s|@LEAF_ONLY_PORT@|$LAB_LEAF_ONLY_PORT|g" \
    -e "s|@FULL_CHAIN_PORT@|$LAB_FULL_CHAIN_PORT|g" "$file" >"$sec/$zone.zone"
  algorithm=(-a ECDSAP256SHA256)
  [[ "$zone" == legacy.* ]] && algorithm=(-a RSASHA1 -b 1024)
  ksk=$(cd "$sec" && ldns-keygen "${algorithm[@]}" -k "$zone")
  zsk=$(cd "$sec" && ldns-keygen "${algorithm[@]}" "$zone")
  validity=()
  [[ "$zone" == bogus.* ]] && validity=(-i 20200101000000 -e 20200201000000)
  (cd "$sec" && ldns-signzone "${validity[@]}" -f "$zone.zone.signed" "$zone.zone" "$zsk" "$ksk") ||
    fail "ldns-signzone could not sign $zone"
  out=$(nsd-checkzone "$zone" "$sec/$zone.zone.signed" 2>&1) || fail "signed zone $zone does not load: $out"
  cat "$sec/$ksk.key" >>"$RUN/unbound/anchors"
  zones+=("$zone")
  zone_file[$zone]="$sec/$zone.zone.signed"
done

# Postfix: config, lookup table of lab mailboxes, and the queue tree (made here, as post-install
# would, because `postfix check` takes seconds).
pf="$RUN/postfix"
render "$LAB/postfix/main.cf" "$pf/etc/main.cf"
render "$LAB/postfix/master.cf" "$pf/etc/master.cf"
awk -F: 'NF > 1 { print $1, "OK" }' "$LAB/dovecot/users" >"$pf/etc/virtual_mailboxes"
# Postfix waits for files modified in the last seconds to settle: backdate them.
touch -d "@$(($(date +%s) - 60))" "$pf/etc"/*
spool="$pf/spool"
mkdir -p "$spool"/{active,bounce,corrupt,defer,deferred,flush,hold,incoming,private,saved,trace,maildrop,public,pid}
chown postfix "$spool"/{active,bounce,corrupt,defer,deferred,flush,hold,incoming,private,saved,trace} "$pf/data"
chmod 700 "$spool"/{active,bounce,corrupt,defer,deferred,flush,hold,incoming,private,saved,trace} "$pf/data"
chown postfix:postdrop "$spool/maildrop" "$spool/public"
chmod 730 "$spool/maildrop"
chmod 710 "$spool/public"
touch "$pf/maillog"

# Dovecot: config, users, sieve script (compiled on first use by the mail user), maildir root.
dc="$RUN/dovecot"
render "$LAB/dovecot/dovecot.conf" "$dc/etc/dovecot.conf"
render "$LAB/dovecot/oauth2.conf.ext" "$dc/etc/oauth2.conf.ext"
cp "$LAB/dovecot/users" "$dc/etc/users"
cp "$LAB/dovecot/junk.sieve" "$dc/sieve/junk.sieve"
chown mail:mail "$RUN/mail" "$dc/sieve" "$dc/sieve/junk.sieve"

# NSD: one zone clause per zone file.
render "$LAB/nsd/nsd.conf" "$RUN/nsd/nsd.conf"
for zone in "${zones[@]}"; do
  printf '\nzone:\n  name: "%s"\n  zonefile: "%s"\n' "$zone" "${zone_file[$zone]}" >>"$RUN/nsd/nsd.conf"
done

# Unbound: a stub zone per NSD zone, so it never needs the root.
render "$LAB/unbound/unbound.conf" "$RUN/unbound/unbound.conf"
for zone in "${zones[@]}"; do
  printf '\nstub-zone:\n  name: "%s"\n  stub-addr: %s@%s\n' "$zone" "$HOST" "$LAB_DNS_PORT" >>"$RUN/unbound/unbound.conf"
done

# --- start -----------------------------------------------------------------------------------
# Each daemon runs in the foreground of its own session, stdio to a log file (never to our
# caller's pipes), PID recorded in $RUN/pids for down.sh.
start() { # start NAME COMMAND...
  local name=$1
  shift
  setsid "$@" </dev/null >"$RUN/$name.out" 2>&1 &
  record "$name" $!
}
record() { # record NAME PID: with its start time, so down.sh never signals a recycled PID
  echo "$1 $2 $(start_time "$2")" >>"$RUN/pids"
}
start_time() { # start_time PID: field 22 of /proc/PID/stat (after the parenthesised command name)
  local stat
  stat=$(<"/proc/$1/stat") && set -- ${stat##*) } && echo "${20}"
}
start dovecot dovecot -F -c "$dc/etc/dovecot.conf"
start nsd nsd -d -c "$RUN/nsd/nsd.conf"
start unbound unbound -d -c "$RUN/unbound/unbound.conf"
# -c 2: rbldnsd rereads a changed dataset file within two seconds.
rbl_args=(-n -q -c 2 -b "$HOST/$LAB_RBL_PORT" -w "$LAB/rbl" -p "$RUN/rbldnsd/rbldnsd.pid")
start rbldnsd rbldnsd "${rbl_args[@]}" "${rbl_sets[@]}"
# Postfix's master itself, in the foreground: what `postfix start-fg` runs, minus the seconds-long
# integrity check and minus the wrapper shell that would otherwise be the recorded PID.
start postfix "$POSTFIX_MASTER" -c "$pf/etc" -s

# --- wait until every daemon answers -----------------------------------------------------------
alive() { # alive PID: running and not a zombie (PID 1 here reaps late)
  local state
  state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}
banner() { # banner PORT PREFIX: a TCP connection to PORT greets with PREFIX
  (exec 3<>"/dev/tcp/$HOST/$1" && read -r -t 2 line <&3 && [[ "$line" == "$2"* ]]) 2>/dev/null
}
listening() { # listening PORT: a TCP connection to PORT is accepted
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}
dns_answers() { # dns_answers PORT STATUS_REGEX NAME TYPE...: every query answered authoritatively
  local port=$1 want=$2
  shift 2
  (($# == 0)) && return 0
  local out count
  out=$(dig -p "$port" "@$HOST" +time=1 +tries=1 +norecurse "$@" 2>/dev/null) || return 1
  count=$(grep -cE "^;; ->>HEADER<<- opcode: QUERY, status: ($want)," <<<"$out" || true)
  [[ "$count" -eq $(($# / 2)) ]]
}
ready() { # ready NAME
  case $1 in
  postfix)
    banner "$LAB_SMTP_PORT" 220 && banner "$LAB_SUBMISSION_PORT" 220 && listening "$LAB_SMTPS_PORT" &&
      banner "$LAB_SIZED_PORT" 220 && banner "$LAB_HIDDEN_LIMIT_PORT" 220 &&
      banner "$LAB_WEAK_TLS_PORT" 220 && banner "$LAB_LEGACY_TLS_PORT" 220 &&
      banner "$LAB_LEAF_ONLY_PORT" 220 && banner "$LAB_FULL_CHAIN_PORT" 220 && banner "$LAB_BUSY_PORT" 220 &&
      banner "$LAB_NO_SMTPUTF8_PORT" 220
    ;;
  dovecot)
    [[ -S "$dc/run/lmtp" && -S "$dc/run/auth-postfix" ]] &&
      banner "$LAB_IMAP_PORT" "* OK" && listening "$LAB_IMAPS_PORT"
    ;;
  nsd)
    local queries=()
    for zone in "${zones[@]}"; do queries+=("$zone" SOA); done
    dns_answers "$LAB_DNS_PORT" NOERROR "${queries[@]}"
    ;;
  unbound)
    # Validated through the trust anchor: the answer carries the AD flag.
    dig -p "$LAB_VALIDATOR_PORT" "@$HOST" +time=1 +tries=1 +dnssec dane.test SOA 2>/dev/null |
      grep -qE '^;; flags: [a-z ]*\bad\b'
    ;;
  rbldnsd)
    local queries=()
    for zone in "${rbl_zones[@]}"; do queries+=("2.0.0.127.$zone" A); done
    # With no dataset at all rbldnsd still runs; then it only has to answer (REFUSED).
    ((${#queries[@]})) || queries=(probe.invalid A)
    dns_answers "$LAB_RBL_PORT" "NOERROR|NXDOMAIN$( ((${#rbl_zones[@]})) || echo '|REFUSED')" "${queries[@]}"
    ;;
  esac
}
log_of() { # log_of NAME: the log files worth showing when NAME does not come up
  case $1 in
  postfix) echo "$RUN/postfix.out $pf/maillog" ;;
  dovecot) echo "$RUN/dovecot.out $dc/dovecot.log" ;;
  nsd) echo "$RUN/nsd.out $RUN/nsd/nsd.log" ;;
  rbldnsd) echo "$RUN/rbldnsd.out" ;;
  unbound) echo "$RUN/unbound.out" ;;
  esac
}
give_up() { # give_up NAME REASON
  local name=$1 reason=$2 file
  {
    echo "lab up: $name $reason"
    for file in $(log_of "$name"); do
      [[ -s "$file" ]] && {
        echo "--- tail of $file"
        tail -n 20 "$file"
      }
    done
  } >&2
  "$LAB/down.sh" --quiet
  exit 1
}

declare -A pid_of
while read -r name pid _; do pid_of[$name]=$pid; done <"$RUN/pids"
pending=(postfix dovecot nsd rbldnsd unbound)
deadline=$((SECONDS + LAB_UP_TIMEOUT))
while ((${#pending[@]})); do
  still=()
  for name in "${pending[@]}"; do
    alive "${pid_of[$name]}" || give_up "$name" "exited during start-up"
    ready "$name" || still+=("$name")
  done
  pending=("${still[@]}")
  ((${#pending[@]})) || break
  ((SECONDS < deadline)) || give_up "${pending[0]}" "did not answer within ${LAB_UP_TIMEOUT}s"
  sleep 0.02
done

echo "lab up: postfix smtp=$LAB_SMTP_PORT submission=$LAB_SUBMISSION_PORT smtps=$LAB_SMTPS_PORT" \
  "sized=$LAB_SIZED_PORT hidden-limit=$LAB_HIDDEN_LIMIT_PORT weak-tls=$LAB_WEAK_TLS_PORT" \
  "legacy-tls=$LAB_LEGACY_TLS_PORT leaf-only=$LAB_LEAF_ONLY_PORT full-chain=$LAB_FULL_CHAIN_PORT" \
  "busy=$LAB_BUSY_PORT no-smtputf8=$LAB_NO_SMTPUTF8_PORT," \
  "dovecot imap=$LAB_IMAP_PORT imaps=$LAB_IMAPS_PORT, nsd=$LAB_DNS_PORT (${#zones[@]} zones)," \
  "rbldnsd=$LAB_RBL_PORT (${#rbl_sets[@]} datasets), unbound=$LAB_VALIDATOR_PORT on $HOST; state in $RUN"
