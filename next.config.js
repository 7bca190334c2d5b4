// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build dirs let parallel checkouts/agents build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // BullMQ and ioredis hold sockets and Lua scripts: keep them as plain Node requires.
  serverExternalPackages: ['bullmq', 'ioredis', 'pino', 'sharp', 'prom-client'],
  poweredByHeader: false,
  // `npm test` type-checks separately (tsc); DROVER_BUILD_SKIP_TYPECHECK=1 skips the build's own pass.
  typescript: { ignoreBuildErrors: process.env.DROVER_BUILD_SKIP_TYPECHECK === '1' },
  async headers() {
    // Sent with every response; the Content-Security-Policy is per request (nonce) in proxy.ts.
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
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
