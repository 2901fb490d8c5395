# One image for all five Connector services (and the migration job). Which one a container runs
# is chosen by SERVICE (build argument or run-time variable) or by the first argument; see
# deploy/docker-entrypoint.sh and deploy/README.md.
#
#   docker build -t connector .                                   # pick the service at run time
#   docker build --build-arg SERVICE=webhook-gateway -t connector-gateway .
#   docker run --rm -e SERVICE=migrate -e DATABASE_URL=... connector

# ---------------------------------------------------------------------------------------------
# manifests: only the package.json files and the lockfile, with their folder layout. Copying the
# whole context here and keeping just these files lets the `npm ci` layer below stay cached until a
# dependency changes, without listing every workspace by hand (new libs are picked up by the glob).
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && for manifest in libs/*/package.json services/*/package.json; do \
      cp --parents "$manifest" /out/; \
    done

# ---------------------------------------------------------------------------------------------
# build: install everything (TypeScript and friends are dev dependencies), compile every project,
# then drop dev dependencies so the runtime stage copies production node_modules only.
FROM node:20-bookworm-slim AS build
# No update check and no install-time telemetry while building an image.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    SCARF_ANALYTICS=false
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci
COPY . .
RUN npm run build \
 && npm prune --omit=dev
# Assemble exactly what runs: the root and workspace package.json files (npm workspaces link
# node_modules/@connector/* to libs/* and services/*, so those folders must exist with their
# package.json), each project's dist/ without compiled tests, and the production node_modules.
RUN mkdir -p /runtime \
 && cp package.json /runtime/ \
 && cp -a node_modules /runtime/ \
 && for project in libs/* services/*; do \
      [ -f "$project/package.json" ] || continue; \
      mkdir -p "/runtime/$project"; \
      cp "$project/package.json" "/runtime/$project/"; \
      if [ -d "$project/dist" ]; then cp -a "$project/dist" "/runtime/$project/"; fi; \
    done \
 && cp -a services/token-service/dashboard-ui /runtime/services/token-service/ \
 && find /runtime/libs /runtime/services \( -name '*.spec.js' -o -name '*.spec.js.map' -o -name '*.spec.d.ts' -o -name '*.tsbuildinfo' \) -delete

# ---------------------------------------------------------------------------------------------
# runtime: Node and the assembled files, nothing else (no compiler, no sources, no dev tools).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the service user can read them but not change them, so a compromised
# process cannot rewrite the code it runs.
COPY --from=build /runtime/ ./
COPY deploy/docker-entrypoint.sh ./deploy/docker-entrypoint.sh

# Which service `docker run IMAGE` starts when no argument is given. Declared last so that images
# built for different services share every layer above.
ARG SERVICE=""
ENV SERVICE=${SERVICE}

# 3000 webhook-gateway, 3001 token-service (admin API), 3002-3004 the sync services (health and
# metrics only); each service listens on one of them.
EXPOSE 3000 3001 3002 3003 3004

# The `node` user (uid 1000) ships with the base image. Kubernetes cannot verify a user name is
# non-root, so the Helm chart also sets runAsUser: 1000.
USER node

# The entry script resolves the port from SERVICE and the service's own port variable.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/bin/sh", "/app/deploy/docker-entrypoint.sh", "healthcheck"]

# Called through /bin/sh so the build does not depend on the script's file mode in the checkout;
# the script `exec`s node, so node becomes PID 1 and receives SIGTERM itself.
ENTRYPOINT ["/bin/sh", "/app/deploy/docker-entrypoint.sh"]
