#!/bin/sh
# Entry point of the Connector image. One image holds all five services; what a container runs is
# chosen by its first argument or, without one, by the SERVICE variable (set at build time with
# --build-arg SERVICE=..., or at run time with -e SERVICE=...):
#
#   webhook-gateway | token-service | customer-sync | catalog-sync | invoice-sync
#                           start that service (node replaces this shell, so it receives SIGTERM
#                           directly and can settle in-flight events before it exits)
#   migrate                 apply pending database migrations and exit (compose `migrate`, Helm hook)
#   wait-for-dependencies   block until NATS_URL and DATABASE_URL accept TCP connections (used as a
#                           Kubernetes init container, so pods do not crash-loop while a bundled
#                           NATS or PostgreSQL is still starting)
#   healthcheck [path]      exit 0 when the service answers 2xx on its own port (Docker HEALTHCHECK)
#   anything else           run as a command, e.g. `docker run --rm IMAGE node --version`
set -eu

# The image keeps this script at /app/deploy/, so the repository root is one folder up.
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  command="$1"
  shift
  given_as_argument=yes
else
  command="${SERVICE:-}"
  given_as_argument=no
fi

# The HTTP port a service listens on: each service reads its own variable (see the README).
service_port() {
  case "$1" in
    webhook-gateway) echo "${GATEWAY_PORT:-3000}" ;;
    token-service) echo "${ADMIN_PORT:-3001}" ;;
    customer-sync) echo "${HTTP_PORT:-3002}" ;;
    catalog-sync) echo "${HTTP_PORT:-3003}" ;;
    invoice-sync) echo "${HTTP_PORT:-3004}" ;;
    *) echo "" ;;
  esac
}

case "$command" in
  "")
    echo "connector: no service given; set SERVICE or pass one of: webhook-gateway token-service customer-sync catalog-sync invoice-sync migrate" >&2
    exit 64
    ;;

  migrate)
    exec node --enable-source-maps libs/persistence/dist/migrate.js "$@"
    ;;

  healthcheck)
    # The service PID 1 actually runs (it may have been chosen by an argument rather than SERVICE,
    # e.g. `docker run IMAGE invoice-sync`); SERVICE when PID 1 is not a service.
    service=""
    if [ -r /proc/1/cmdline ]; then
      service="$(tr '\0' ' ' < /proc/1/cmdline | sed -n 's|.*services/\([a-z0-9-]*\)/dist/main\.js.*|\1|p')"
    fi
    service="${service:-${SERVICE:-}}"
    port="$(service_port "$service")"
    # The one-shot migrate container (and any container without a service) has nothing to probe.
    [ -n "$port" ] || exit 0
    # /health/ready (NATS and PostgreSQL reachable) by default: Docker never restarts a container
    # for being unhealthy, it only reports it and gates `depends_on: service_healthy`, and for
    # both "ready" is the useful meaning. Node's fetch is used because the slim image has no curl.
    exec node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(4000) })
        .then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));
    ' "http://127.0.0.1:${port}${1:-/health/ready}"
    ;;

  wait-for-dependencies)
    # NATS_URL may list several servers (nats://a:4222,nats://b:4222, with or without the scheme):
    # NATS is there once any of them answers. Only hosts and ports are printed, never credentials.
    exec node -e '
      const net = require("node:net");
      const servers = (list, scheme, port) => list.split(",").map((s) => s.trim()).filter(Boolean).map((server) => {
        const parsed = new URL(server.includes("://") ? server : `${scheme}://${server}`);
        return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || port) };
      });
      const targets = [["NATS", process.env.NATS_URL, "nats", 4222], ["PostgreSQL", process.env.DATABASE_URL, "postgres", 5432]]
        .filter(([, url]) => url)
        .map(([name, url, scheme, port]) => {
          try {
            return { name, servers: servers(url, scheme, port) };
          } catch {
            console.error(`connector: the ${name} URL is not a URL (or a comma-separated list of them)`);
            process.exit(64);
          }
        });
      const open = ({ host, port }) => new Promise((resolve) => {
        const socket = net.connect({ host, port, timeout: 3000 });
        const done = (ok) => { socket.destroy(); resolve(ok); };
        socket.once("connect", () => done(true)).once("timeout", () => done(false)).once("error", () => done(false));
      });
      const where = (servers) => servers.map(({ host, port }) => `${host}:${port}`).join(", ");
      const firstOpen = async (servers) => {
        const answers = await Promise.all(servers.map(open));
        return servers[answers.indexOf(true)];
      };
      (async () => {
        for (const target of targets) {
          let said = false;
          let answered;
          while (!(answered = await firstOpen(target.servers))) {
            if (!said) console.log(`waiting for ${target.name} at ${where(target.servers)}`);
            said = true;
            await new Promise((r) => setTimeout(r, 2000));
          }
          console.log(`${target.name} at ${answered.host}:${answered.port} accepts connections`);
        }
      })();
    '
    ;;

  *)
    if [ -f "services/${command}/dist/main.js" ]; then
      exec node --enable-source-maps "services/${command}/dist/main.js" "$@"
    fi
    if [ "$given_as_argument" = no ]; then
      echo "connector: SERVICE=${command} is not a service in this image (no services/${command}/dist/main.js)" >&2
      exit 64
    fi
    # Not a service name: treat the arguments as a command line (the first word included).
    exec "$command" "$@"
    ;;
esac
