#!/usr/bin/env bash
# by-hand.sh - the lecture's shop started without Compose: every command that
# `tinydock compose up` runs for docker-compose.yml, typed out, in the order it runs them.
#
#   sudo ./by-hand.sh          (from anywhere; it works in the folder it is in)
#
# Two images, one network, two containers, and the right order: the product service first,
# because the website fetches http://product-service for every page. The names are the ones
# Compose v2 gives for a project called "shop" (the folder's name): the network shop_default,
# the containers shop-SERVICE-1, and each container answers on the network to its service's
# name too (--network-alias), which is how the website finds "product-service". Everything it
# made but the images is removed when it ends, however it ends.
#
# The lecture's ports are 5000 (the website) and 5001 (the product service); WEBSITE_PORT and
# PRODUCT_PORT choose others, SHOP_SUBNET and SHOP_BRIDGE the network's subnet and bridge (the
# tests run it beside other tests). TINYDOCK names the binary (default: this checkout's).
set -eu
cd "$(dirname "$0")"
T=${TINYDOCK:-$(pwd)/../../../build/tinydock}
website_port=${WEBSITE_PORT:-5000}
product_port=${PRODUCT_PORT:-5001}
network_options=()
[[ -n ${SHOP_SUBNET:-} ]] && network_options+=(--subnet "$SHOP_SUBNET")
[[ -n ${SHOP_BRIDGE:-} ]] && network_options+=(-o "com.docker.network.bridge.name=$SHOP_BRIDGE")

# show tinydock ARGS...: print the command as a user types it, then run it
show() { printf '$ tinydock %s\n' "${*:2}"; "$@"; }

# Removed in the reverse order of their making: the website, then what it depends on.
cleanup() {
	"$T" rm -f shop-website-1 shop-product-service-1 >/dev/null 2>&1 || true
	"$T" network rm shop_default >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM # Ctrl-C ends the script through its EXIT trap, which cleans up

# build: ./product -> the image shop-product-service; image: busybox-httpd must exist
show "$T" build -q -t shop-product-service ./product
show "$T" build -q -t busybox-httpd ./busybox-httpd

# every service joins the project's network
show "$T" network create "${network_options[@]}" shop_default

# product-service: volumes ./product:/usr/src/app, ports 5001:80
show "$T" run -d --name shop-product-service-1 --network shop_default \
	--network-alias product-service \
	-v "$(pwd)/product:/usr/src/app" -p "$product_port:80" shop-product-service

# website: depends_on product-service, so it starts second; volumes ./website:/var/www/html,
# ports 5000:80
show "$T" run -d --name shop-website-1 --network shop_default \
	--network-alias website \
	-v "$(pwd)/website:/var/www/html" -p "$website_port:80" busybox-httpd

show "$T" ps

# The page answers once both servers listen: ask until it does, for 20 s at most. The
# website's script answers 502 while the product service does not, and curl -f fails on that.
fetch() { if command -v curl >/dev/null; then curl -fsS "$1"; else wget -qO- "$1"; fi; }
deadline=$((SECONDS + 20))
until page=$(fetch "http://localhost:$website_port/" 2>&1); do
	if ((SECONDS >= deadline)); then
		echo "by-hand.sh: the shop did not answer on port $website_port in 20 s: $page" >&2
		exit 1
	fi
	sleep 0.1
done
printf '$ curl http://localhost:%s/\n%s\n' "$website_port" "$page"
printf '$ curl http://localhost:%s/\n' "$product_port"
fetch "http://localhost:$product_port/"

if [[ -t 0 ]]; then
	read -r -p "The shop is at http://localhost:$website_port/; press Enter to stop it. "
fi
