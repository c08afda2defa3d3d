import type { Metadata } from 'next';
import { Suspense } from 'react';
import { VerifyEmail } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Verify your email', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Verify your email</h1>
      
      <Suspense fallback={<p>Loading…</p>}>
        <VerifyEmail />
      </Suspense>
    </main>
  );
}
