import type { Metadata } from 'next';
import { UploadForm } from '@/components/UploadForm';

export const metadata: Metadata = { title: 'Upload', robots: { index: false } };

export default function UploadPage() {
  return (
    <main id="main" style={{ maxWidth: 720 }}>
      <h1 className="page-title pixel">Upload an artwork</h1>
      <UploadForm />
    </main>
  );
}
