import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ResetForm } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Set a new password', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Set a new password</h1>
      
      <Suspense fallback={<p>Loading…</p>}>
        <ResetForm />
      </Suspense>
    </main>
  );
}
