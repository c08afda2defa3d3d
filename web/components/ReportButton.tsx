'use client';
import { useId, useState } from 'react';
import type { PostReportsBody } from '@makapix/protocol';
import { inWords } from '@/lib/words';
import { Dialog } from './Dialog';
import { useSession } from './SessionProvider';

/** docs/product.md §1 reports of posts, comments and members, in a dialog with the reason in words. */
export function ReportButton({ targetType, targetId, label, className }: { targetType: PostReportsBody['targetType']; targetId: string; label: string; className?: string }) {
  const { api, status } = useSession();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  if (status !== 'signed-in') return null;
  const what = targetType === 'user' ? 'member' : targetType === 'post' ? 'artwork' : 'comment';
  return (
    <>
      <button type="button" className={className} onClick={() => { setOpen(true); setMessage(''); }} aria-haspopup="dialog">{label}</button>
      <Dialog open={open} title={`Report this ${what}`} onClose={() => setOpen(false)}>
        <form
          className="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            try {
              await api.report({ targetType, targetId, reason });
              setMessage('Thank you — the moderators will look at it.');
              setReason('');
            } catch (err) {
              setMessage(inWords(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <label htmlFor={id} className="label">What is wrong?</label>
          <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} />
          <p aria-live="polite">{message}</p>
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>Send report</button>
            <button type="button" onClick={() => setOpen(false)}>Close</button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
