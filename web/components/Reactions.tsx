'use client';
import { useEffect, useState } from 'react';
import { inWords } from '@/lib/words';
import type { ReactionSummary } from '@makapix/protocol';
import { Dialog } from './Dialog';
import { useSession } from './SessionProvider';

const QUICK = ['👍', '❤️', '🔥', '😊', '💎'];
const MORE = ['😂', '😍', '🤩', '😮', '😢', '😎', '🥳', '👏', '🙌', '✨', '🌈', '⭐', '🎨', '🖼️', '👾', '🕹️', '🐱', '🐶', '🍕', '🌸', '💯', '🤖', '🚀', '🌙'];
const LIMIT = 5;

/** docs/architecture.md §4.1 reactions: totals as pills (yours highlighted), a picker dialog, the 5-limit in words. */
export function Reactions({ postId, initial }: { postId: string; initial: ReactionSummary }) {
  const { api, status } = useSession();
  const [summary, setSummary] = useState(initial);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string>('');
  const [busy, setBusy] = useState(false);

  // The server rendered the visitor's view; a member's own reactions come with their token.
  useEffect(() => {
    if (status === 'signed-in') api.reactions(postId).then(setSummary, () => {});
  }, [status, api, postId]);

  const toggle = async (emoji: string) => {
    if (status !== 'signed-in') {
      setMessage('Log in to react.');
      return;
    }
    const on = !summary.mine.includes(emoji);
    if (on && summary.mine.length >= LIMIT) {
      setMessage(`You can use at most ${LIMIT} different reactions on one artwork. Remove one to add ${emoji}.`);
      setOpen(false);
      return;
    }
    setBusy(true);
    try {
      setSummary(await api.react(postId, emoji, on));
      setMessage(on ? `You reacted ${emoji}.` : `Reaction ${emoji} removed.`);
      setOpen(false);
    } catch (err) {
      setMessage(inWords(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby="reactions-title">
      <h2 id="reactions-title">Reactions</h2>
      <div className="pills">
        {summary.totals.map((t) => (
          <button key={t.emoji} type="button" className="pill" aria-pressed={summary.mine.includes(t.emoji)} disabled={busy}
            aria-label={`${t.emoji} ${t.count}${summary.mine.includes(t.emoji) ? ', yours' : ''}`} onClick={() => void toggle(t.emoji)}>
            {t.emoji} {t.count}
          </button>
        ))}
        <button type="button" onClick={() => setOpen(true)} aria-haspopup="dialog">React</button>
      </div>
      {summary.totals.length === 0 ? <p className="hint">No reactions yet — be the first.</p> : null}
      <p aria-live="polite" className="hint">{message}</p>
      <Dialog open={open} title="Choose a reaction" onClose={() => setOpen(false)}>
        <p className="hint">You have used {summary.mine.length} of {LIMIT} reactions on this artwork.</p>
        <div className="emoji-grid">
          {[...QUICK, ...MORE].map((e) => (
            <button key={e} type="button" aria-pressed={summary.mine.includes(e)} onClick={() => void toggle(e)} disabled={busy}>
              {e}
            </button>
          ))}
        </div>
        <p className="row" style={{ marginTop: 12 }}>
          <button type="button" onClick={() => setOpen(false)}>Close</button>
        </p>
      </Dialog>
    </section>
  );
}
