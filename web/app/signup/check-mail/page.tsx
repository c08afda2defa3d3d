import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ResendVerification } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Check your mail', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Check your mail</h1>
      <p>We sent you a link to verify your email. Open it to finish signing up; it works for 24 hours.</p>
      <Suspense fallback={<p>Loading…</p>}>
        <ResendVerification />
      </Suspense>
    </main>
  );
}
