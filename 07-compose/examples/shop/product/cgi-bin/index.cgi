#!/bin/sh
# The product service's answer at "/", as the lecture's api.py gives it: a JSON object with the
# list of products. busybox httpd runs this script for "/" because the folder it serves has no
# index.html but has cgi-bin/index.cgi; the script writes a CGI response (RFC 3875, section 6):
# header lines, an empty line, the body.
printf 'Content-Type: application/json\r\n\r\n'
printf '{"products": ["Ice cream", "Chocolate", "Fruit", "Eggs"]}\n'
