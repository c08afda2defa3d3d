import type { MetadataRoute } from 'next';
import { config } from '@/lib/config';
import { serverApi } from '@/lib/server-api';

/** The public pages: feeds, the most recent artworks (up to 1000), their artists and hashtags. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const base = config.publicBaseUrl;
  const entries: MetadataRoute.Sitemap = [
    { url: `${base}/`, changeFrequency: 'hourly', priority: 1 },
    { url: `${base}/promoted`, changeFrequency: 'daily', priority: 0.8 },
  ];
  const artists = new Set<string>();
  const tags = new Set<string>();
  let cursor: string | undefined;
  try {
    for (let pages = 0; pages < 5; pages++) {
      const page = await serverApi.recent({ cursor, limit: 200 });
      for (const p of page.items) {
        entries.push({ url: `${base}/p/${p.id}`, lastModified: p.createdAt, changeFrequency: 'weekly', priority: 0.7 });
        artists.add(p.owner.handle);
        for (const t of p.hashtags) tags.add(t);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  } catch {
    // The api being down must not break the sitemap: the feed pages are still listed.
  }
  for (const h of artists) entries.push({ url: `${base}/u/${encodeURIComponent(h)}`, changeFrequency: 'weekly', priority: 0.6 });
  for (const t of tags) entries.push({ url: `${base}/t/${encodeURIComponent(t)}`, changeFrequency: 'daily', priority: 0.5 });
  return entries;
}
