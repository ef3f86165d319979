# pinwarden, the GitHub App, on Node.js 24 LTS: build with dev dependencies, ship production ones only.
# Base images are pinned by digest (node:24-bookworm-slim, the multi-arch index); Dependabot's
# `docker` entry in .github/dependabot.yml proposes the new digest when the tag moves.
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json tsconfig.dev.json ./
COPY src ./src
# `npm ci` runs `prepare`, which compiles: the product to dist/, the tools (src/dev) to dist-dev/.
# Only dist/ is copied below: the image ships the product, none of the tools.
RUN npm ci

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
# The server listens on localhost unless told otherwise; a container must listen on all interfaces.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds from source, which the build stage already did.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET come from the environment.
# node itself is the process, not npm: `docker stop` sends SIGTERM to it and the drain runs
# (npm would exit at once and orphan node). Run with `docker run --init` (or `init: true` in
# compose) so a tiny init reaps zombies; node handles the signals itself. The flags are
# `npm start`'s (a test holds them equal).
# The CLI is in the image too: docker run --entrypoint node IMAGE bin/pinwarden.js scan /workspace
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=256", "dist/app/main.js"]
