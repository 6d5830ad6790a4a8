# The shop's website as a swarm runs it. Chapter 07's compose file mounts ./website into the
# busybox-httpd container; a swarm service has no folder of this machine to mount (its tasks run
# on other machines), so the pages go into the image, and every node pulls them with it.
# Built with the website's folder as the context:
#     tinydock build -f 08-swarm/examples/shop/website.Dockerfile -t REGISTRY/shop/website:1 \
#         07-compose/examples/shop/website
FROM busybox-httpd
COPY cgi-bin /var/www/html/cgi-bin
