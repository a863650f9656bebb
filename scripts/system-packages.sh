#!/usr/bin/env bash
# Debian packages the portal needs beyond Python and npm:
#  - Pango/HarfBuzz for WeasyPrint (PDF certificates, with Arabic shaping);
#  - fonts-noto-core, the fonts embedded in those PDFs;
#  - chromium for the browser tests (Playwright drives it; its own download is blocked);
#  - poppler-utils and zbar-tools to look at PDFs and read QR codes in tests;
#  - wrk, the HTTP load generator of the benchmarks (bench/);
#  - haproxy, the load balancer of the cluster test (deploy/haproxy/, make cluster-test);
#  - iproute2, whose `ip netns` builds the cluster test's hosts;
#  - prometheus, which scrapes the nodes' /metrics in the cluster test.
# As root on Debian they are installed with apt; otherwise the command is printed.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-noto-core chromium poppler-utils zbar-tools wrk haproxy iproute2 prometheus)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; }) >/dev/null
else
  echo "Missing system packages: ${missing[*]}"
  echo "Install them with: sudo $command"
  echo "(Without them, PDF and browser tests skip or fail with a message.)"
fi
