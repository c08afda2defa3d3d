import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ForgotForm } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Forgot your password', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Forgot your password</h1>
      <p>Give the email of your account and we mail you a link to set a new password.</p>
      <Suspense fallback={<p>Loading…</p>}>
        <ForgotForm />
      </Suspense>
    </main>
  );
}
