import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoginForm } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Log in', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Log in</h1>
      
      <Suspense fallback={<p>Loading…</p>}>
        <LoginForm />
      </Suspense>
    </main>
  );
}
