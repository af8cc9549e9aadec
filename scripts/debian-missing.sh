# Sourced by the install scripts (test/lab/install.sh, bench/install.sh) after they set PACKAGES and LABEL: sets
# `missing` to the packages of PACKAGES that dpkg does not list as installed; when none is missing it says so and
# exits 0, and when some are but this is not root it names them and exits 1.
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  echo "$LABEL: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
if ((EUID != 0)); then
  echo "$LABEL: must run as root to install: ${missing[*]}" >&2
  exit 1
fi
