// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build dirs let parallel checkouts/agents build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // BullMQ and ioredis hold sockets and Lua scripts: keep them as plain Node requires.
  serverExternalPackages: ['bullmq', 'ioredis', 'pino', 'sharp', 'prom-client'],
  poweredByHeader: false,
  experimental: {
    // forbidden() / unauthorized() give real 403/401 pages from the one guard.
    authInterrupts: true,
    serverActions: {
      bodySizeLimit: '5mb',
      ...(process.env.DROVER_ALLOWED_ORIGINS
        ? { allowedOrigins: process.env.DROVER_ALLOWED_ORIGINS.split(',').map((s) => s.trim()) }
        : {}),
    },
  },
};

module.exports = nextConfig;
