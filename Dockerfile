FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cmd cmd
COPY lib lib
COPY internal internal
COPY pkg pkg
COPY migrations migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
EXPOSE 8080
# A larger young generation: at thousands of requests a second the default one is collected so often that
# short-lived request objects get promoted (docs/operations.md).
CMD ["node", "--max-semi-space-size=32", "dist/cmd/server/main.js"]
