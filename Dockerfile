# syntax=docker/dockerfile:1
# rest2kafka image: the CLI (run, replay, check, simulator, ...) on Node 20.
#   docker build -t rest2kafka .
#   docker run --rm rest2kafka --help

# Build stage: compile with the dev dependencies, then drop them.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs the sources, which are not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY bench ./bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: compiled code, production dependencies, the demo schemas and configs.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY schemas ./schemas
COPY examples ./examples
# The image's unprivileged user; nothing under /app needs to be writable.
USER node
EXPOSE 8080
# The node flags of lib/cli.ts's shebang (why: its comment); container.spec checks they agree.
ENTRYPOINT ["node", "--max-semi-space-size=8", "dist/lib/cli.js"]
CMD ["--help"]
