'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { inWords } from '@/lib/words';
import { useSession } from './SessionProvider';

function Field({ label, type, value, onChange, autoComplete, hint, minLength }: { label: string; type: string; value: string; onChange: (v: string) => void; autoComplete: string; hint?: string; minLength?: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={(e) => onChange(e.target.value)} autoComplete={autoComplete} required minLength={minLength} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint ? <span id={`${id}-hint`} className="hint">{hint}</span> : null}
    </div>
  );
}

function FormShell({ onSubmit, submit, busy, error, children }: { onSubmit: () => Promise<void>; submit: string; busy: boolean; error: string; children: ReactNode }) {
  const errorRef = useRef<HTMLParagraphElement>(null);
  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); void onSubmit(); }}>
      {children}
      <p ref={errorRef} role="alert" className="error">{error}</p>
      <button type="submit" className="primary" disabled={busy}>{busy ? 'Please wait…' : submit}</button>
    </form>
  );
}

const PASSWORD_HINT = 'At least 8 characters, with a letter and a digit.';

/** Only same-site paths are followed after log-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignupForm() {
  const { api } = useSession();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <FormShell submit="Sign up" busy={busy} error={error} onSubmit={async () => {
      setBusy(true);
      try {
        await api.register({ email: email.trim(), password, handle: handle.trim() });
        router.push(`/signup/check-mail?email=${encodeURIComponent(email.trim())}`);
      } catch (err) {
        setError(inWords(err));
        setBusy(false);
      }
    }}>
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field label="Handle" type="text" value={handle} onChange={setHandle} autoComplete="username" hint="3–32 characters; your address will be /u/handle." minLength={3} />
      <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="new-password" hint={PASSWORD_HINT} minLength={8} />
    </FormShell>
  );
}

export function ResendVerification() {
  const { api } = useSession();
  const params = useSearchParams();
  const [message, setMessage] = useState('');
  const email = params.get('email');
  if (!email) return null;
  return (
    <p>
      No mail after a few minutes?{' '}
      <button type="button" onClick={async () => {
        try {
          await api.resendVerification(email);
          setMessage('We sent it again.');
        } catch (err) {
          setMessage(inWords(err));
        }
      }}>Send it again</button> <span aria-live="polite">{message}</span>
    </p>
  );
}

export function VerifyEmail() {
  const { api } = useSession();
  const token = useSearchParams().get('token');
  const [state, setState] = useState<{ kind: 'working' | 'done' | 'failed'; text: string }>({ kind: 'working', text: 'Verifying your email…' });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (!token) return setState({ kind: 'failed', text: 'This link has no token. Open the link from the mail exactly as it is.' });
    api.verifyEmail(token).then(
      () => setState({ kind: 'done', text: 'Your email is verified. You can log in now.' }),
      (err: unknown) => setState({ kind: 'failed', text: inWords(err) }),
    );
  }, [api, token]);
  return (
    <div className="card" aria-live="polite">
      <p role={state.kind === 'failed' ? 'alert' : 'status'}>{state.text}</p>
      {state.kind === 'done' ? <Link className="btn primary" href="/login">Log in</Link> : null}
      {state.kind === 'failed' ? <p><Link href="/signup">Sign up again</Link> or <Link href="/login">log in</Link>.</p> : null}
    </div>
  );
}

export function LoginForm() {
  const { api, signedIn, status } = useSession();
  const router = useRouter();
  const next = safeNext(useSearchParams().get('next'));
  // Already signed in (another tab, the back button): go on to where the visitor was going.
  useEffect(() => {
    if (status === 'signed-in') router.replace(next);
  }, [status, router, next]);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <FormShell submit="Log in" busy={busy} error={error} onSubmit={async () => {
      setBusy(true);
      try {
        const { accessToken, user } = await api.login({ email: email.trim(), password });
        signedIn(accessToken, user);
        router.push(next);
      } catch (err) {
        setError(inWords(err));
        setBusy(false);
      }
    }}>
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
      <p className="hint"><Link href="/forgot-password">Forgot your password?</Link> · New here? <Link href="/signup">Sign up</Link></p>
    </FormShell>
  );
}

export function ForgotForm() {
  const { api } = useSession();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);
  if (sent) return <p className="card" role="status">If an account uses {email}, a reset link is on its way. It works for one hour.</p>;
  return (
    <FormShell submit="Send reset link" busy={busy} error={error} onSubmit={async () => {
      setBusy(true);
      try {
        await api.forgotPassword(email.trim());
        setSent(true);
      } catch (err) {
        setError(inWords(err));
      } finally {
        setBusy(false);
      }
    }}>
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
    </FormShell>
  );
}

export function ResetForm() {
  const { api } = useSession();
  const token = useSearchParams().get('token');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  if (!token) return <p role="alert">This link has no token. Ask for a <Link href="/forgot-password">new reset link</Link>.</p>;
  if (done) return <div className="card" role="status"><p>Your password is changed and every session was closed.</p><Link className="btn primary" href="/login">Log in</Link></div>;
  return (
    <FormShell submit="Set new password" busy={busy} error={error} onSubmit={async () => {
      setBusy(true);
      try {
        await api.resetPassword(token, password);
        setDone(true);
      } catch (err) {
        setError(inWords(err));
      } finally {
        setBusy(false);
      }
    }}>
      <Field label="New password" type="password" value={password} onChange={setPassword} autoComplete="new-password" hint={PASSWORD_HINT} minLength={8} />
    </FormShell>
  );
}
