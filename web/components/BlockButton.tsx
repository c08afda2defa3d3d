'use client';
import { useState } from 'react';
import { inWords } from '@/lib/words';
import { ConfirmDialog } from './Dialog';
import { useSession } from './SessionProvider';

/** docs/product.md §4 blocks, confirmed in a dialog that says what blocking does. */
export function BlockButton({ userId, handle }: { userId: string; handle: string }) {
  const { api, status, user } = useSession();
  const [open, setOpen] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const [message, setMessage] = useState('');
  if (status !== 'signed-in' || user?.id === userId) return null;
  const toggle = async () => {
    try {
      const state = await api.block(userId, !blocked);
      setBlocked(state.blocked);
      setMessage(state.blocked ? `You blocked @${handle}.` : `You unblocked @${handle}.`);
    } catch (err) {
      setMessage(inWords(err));
    }
  };
  return (
    <>
      <button type="button" onClick={() => (blocked ? void toggle() : setOpen(true))}>{blocked ? 'Unblock' : 'Block'}</button>
      <span aria-live="polite" className="hint">{message}</span>
      <ConfirmDialog open={open} title={`Block @${handle}?`} confirm="Block" onClose={() => setOpen(false)} onConfirm={() => void toggle()}
        body="You will no longer see their artworks or comments, follows between you end, and neither of you can comment on, react to or follow the other." />
    </>
  );
}
