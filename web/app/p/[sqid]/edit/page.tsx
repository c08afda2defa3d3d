import type { Metadata } from 'next';
import { EditArtwork } from '@/components/EditArtwork';

export const metadata: Metadata = { title: 'Edit artwork', robots: { index: false } };

export default async function EditPage({ params }: { params: Promise<{ sqid: string }> }) {
  const { sqid } = await params;
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Edit artwork</h1>
      <EditArtwork postId={sqid} />
    </main>
  );
}
