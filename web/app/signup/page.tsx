import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SignupForm } from '@/components/AuthForms';

export const metadata: Metadata = { title: 'Sign up', robots: { index: false } };

export default function Page() {
  return (
    <main id="main" className="narrow">
      <h1 className="page-title pixel">Sign up</h1>
      <p>Post your pixel art, follow artists and react. Already a member? <a href="/login">Log in</a>.</p>
      <Suspense fallback={<p>Loading…</p>}>
        <SignupForm />
      </Suspense>
    </main>
  );
}
