import type { NextConfig } from 'next';

// The workspace packages ship TypeScript sources (with .ts import suffixes); Next compiles them.
const config: NextConfig = {
  transpilePackages: ['@makapix/protocol', '@makapix/media'],
  // The dev stack builds each source state into its own directory (packages/devstack web-build.ts).
  distDir: process.env.MAKAPIX_WEB_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // Every artwork is already a pixel-exact file in the vault: next/image's resampler would blur it.
  images: { unoptimized: true },
  // The repository's typecheck (turbo, `npm test`) checks the web; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
