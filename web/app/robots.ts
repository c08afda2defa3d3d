import type { MetadataRoute } from 'next';
import { config } from '@/lib/config';

export default function robots(): MetadataRoute.Robots {
  return {
    rules: { userAgent: '*', allow: '/', disallow: ['/api/', '/settings', '/notifications', '/upload', '/login', '/signup', '/search', '/play'] },
    sitemap: `${config.publicBaseUrl}/sitemap.xml`,
  };
}
