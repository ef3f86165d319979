# pinwarden on Node.js 24 LTS: build with dev dependencies, ship production ones only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci && npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds from source, which the build stage already did.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
# Until the GitHub App server lands, the image is the CLI: mount a checkout at /workspace.
ENTRYPOINT ["node", "/app/bin/pinwarden.js"]
CMD ["scan", "/workspace"]
