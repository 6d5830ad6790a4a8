#!/bin/sh
# The shop's page, made for each request as the lecture's index.php makes it: fetch the list of
# products from http://product-service, the other service found by its name (the project's
# network writes that name in this container's /etc/hosts), and write one <li> a product.
# busybox httpd runs this script for "/" because the folder it serves has no index.html but has
# cgi-bin/index.cgi; what the script writes is the response (CGI, RFC 3875, section 6): header
# lines, an empty line, the body.

# Where the product service is: http://product-service/, on the compose project's network and
# in a swarm's stack alike (the stack's service shop_product-service is also product-service);
# PRODUCT_SERVICE_URL in the environment, which busybox httpd passes on to CGI scripts, may say
# otherwise.
url=${PRODUCT_SERVICE_URL:-http://product-service/}

# The timeout: a name missing from /etc/hosts is asked of the DNS servers in /etc/resolv.conf,
# which a container without a route out waits for; and a server may accept and never answer.
# (This wget has no -T.) The shell's "Terminated" is not for the log: the line below is.
if ! json=$({ timeout 5 wget -q -O - "$url"; } 2>/dev/null); then
	echo "index.cgi: no answer from $url" >&2
	printf 'Status: 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n'
	printf '<html><body><h1>My Shop</h1><p>The product service did not answer.</p></body></html>\n'
	exit 0
fi

# {"products": ["Ice cream", "Chocolate", "Fruit", "Eggs"]} -> one product a line, made safe for
# HTML (& < >). This reads the product service's own answer, not any JSON: a name holds no '"',
# ',' or '\'.
products() {
	printf '%s\n' "$json" | sed -e 's/^[^[]*\[//' -e 's/\].*$//' | tr ',' '\n' |
		sed -e 's/^[[:space:]]*"//' -e 's/"[[:space:]]*$//' -e '/^$/d' \
			-e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

printf 'Content-Type: text/html\r\n\r\n'
cat <<'END'
<html>
  <head>
    <title>My Shop</title>
  </head>

  <body>
    <h1>Welcome to my shop</h1>
    <ul>
END
products | while IFS= read -r product; do
	printf '      <li>%s</li>\n' "$product"
done
cat <<'END'
    </ul>
  </body>
</html>
END
