import '@fontsource/silkscreen/400.css';
import './globals.css';
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { LiveNotifications } from '@/components/LiveNotifications';
import { PixelScaler } from '@/components/PixelScaler';
import { SessionProvider } from '@/components/SessionProvider';
import { BottomBar, SiteHeader } from '@/components/SiteHeader';
import { config } from '@/lib/config';

// Every page shows the api as it is now; nothing is prerendered at build time (no api then).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  metadataBase: new URL(config.publicBaseUrl),
  title: { default: 'Makapix Club — pixel art that plays on real screens', template: '%s · Makapix Club' },
  description: 'A pixel-art social network: post static and animated pixel art, follow artists, and play it on pixel displays.',
  applicationName: 'Makapix Club',
  openGraph: { siteName: 'Makapix Club', type: 'website' },
  twitter: { card: 'summary_large_image' },
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: dark)', color: '#111318' },
    { media: '(prefers-color-scheme: light)', color: '#f6f6f8' },
  ],
  colorScheme: 'dark light',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionProvider>
          <LiveNotifications>
            <SiteHeader />
            {children}
            <footer className="site-footer">
              Makapix Club · pixel art for pixel displays · <a href="/sitemap.xml">Sitemap</a>
            </footer>
            <BottomBar />
            <PixelScaler />
          </LiveNotifications>
        </SessionProvider>
      </body>
    </html>
  );
}
