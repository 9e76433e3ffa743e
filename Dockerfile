# Referral Desk in a container. The bot is PID 1's only child under tini, started as `node`
# directly (not through npm or a shell), so SIGTERM from `docker stop` or Kubernetes reaches it
# and it finishes its writes before exiting. Data lives in the volume at /data.
FROM node:20-bookworm-slim

RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only; tsx (a dependency) runs the TypeScript sources.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bot ./bot
COPY cards ./cards
COPY referrals ./referrals
COPY storage ./storage

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3978/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--disable-warning=DEP0111", "--import", "tsx", "bot/main.ts"]
