'use client';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { stamp } from '@/lib/format';
import { inWords } from '@/lib/words';
import type { Comment, Thread } from '@makapix/protocol';
import { ConfirmDialog } from './Dialog';
import { ReportButton } from './ReportButton';
import { useSession } from './SessionProvider';

type Node = Comment & { replies?: Node[] };

/** docs/product.md §4 threaded comments (depth ≤2): post, reply, edit and delete your own. */
export function Comments({ postId, initial, nextCursor }: { postId: string; initial: Thread[]; nextCursor: string | null }) {
  const { api, status } = useSession();
  const [threads, setThreads] = useState<Node[]>(initial);
  const [cursor, setCursor] = useState(nextCursor);
  const [message, setMessage] = useState('');

  const reload = async () => {
    const page = await api.comments(postId, { limit: 100 });
    setThreads(page.items);
    setCursor(page.nextCursor);
  };
  // A member may see their own hidden comments and not those of members they blocked.
  useEffect(() => {
    if (status === 'signed-in') reload().catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api.comments(postId, { cursor, limit: 100 });
      setThreads((old) => [...old, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setMessage(inWords(err));
    }
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      await reload();
      setMessage(done);
      return true;
    } catch (err) {
      setMessage(inWords(err));
      return false;
    }
  };

  return (
    <section className="section" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {status === 'signed-in' ? (
        <CommentForm label="Comment" submit="Post comment" onSubmit={(body) => act(() => api.comment(postId, body), 'Your comment is posted.')} />
      ) : (
        <p className="hint">
          <Link href={`/login?next=${encodeURIComponent(`/p/${postId}`)}`}>Log in</Link> to comment.
        </p>
      )}
      <p aria-live="polite" className="hint">{message}</p>
      {threads.length === 0 ? <p className="hint">No comments yet — say something nice.</p> : <CommentList nodes={threads} postId={postId} act={act} />}
      {cursor ? <button type="button" onClick={() => void more()}>More comments</button> : null}
    </section>
  );
}

type Act = (what: () => Promise<unknown>, done: string) => Promise<boolean>;

function CommentList({ nodes, postId, act }: { nodes: Node[]; postId: string; act: Act }) {
  return (
    <ul className="comments">
      {nodes.map((c) => (
        <CommentItem key={c.id} comment={c} postId={postId} act={act} />
      ))}
    </ul>
  );
}

function CommentItem({ comment, postId, act }: { comment: Node; postId: string; act: Act }) {
  const { api, user } = useSession();
  const [mode, setMode] = useState<'read' | 'reply' | 'edit'>('read');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const mine = user !== null && comment.author?.id === user.id;
  const readable = comment.body !== null;

  return (
    <li className="comment">
      <article aria-label={comment.author ? `Comment by @${comment.author.handle}` : 'Removed comment'}>
        <header>
          {comment.author ? <Link href={`/u/${encodeURIComponent(comment.author.handle)}`}>@{comment.author.handle}</Link> : <span>—</span>}{' '}
          <time dateTime={comment.createdAt}>{stamp(comment.createdAt)}</time>
          {comment.editedAt ? ' · edited' : ''}
          {comment.state === 'hidden' ? ' · hidden by a moderator' : ''}
        </header>
        {mode === 'edit' ? (
          <CommentForm label="Edit comment" submit="Save" initial={comment.body ?? ''}
            onCancel={() => setMode('read')}
            onSubmit={async (body) => {
              const ok = await act(() => api.editComment(comment.id, body), 'Your comment is saved.');
              if (ok) setMode('read');
              return ok;
            }} />
        ) : (
          <p className={readable ? undefined : 'hint'}>{readable ? comment.body : comment.state === 'deleted' ? 'This comment was deleted.' : 'This comment is not shown.'}</p>
        )}
        {readable && user ? (
          <div className="row">
            {comment.depth < 2 ? <button type="button" className="link" onClick={() => setMode(mode === 'reply' ? 'read' : 'reply')} aria-expanded={mode === 'reply'}>Reply</button> : null}
            {mine ? <button type="button" className="link" onClick={() => setMode('edit')}>Edit</button> : null}
            {mine ? <button type="button" className="link" onClick={() => setConfirmDelete(true)}>Delete</button> : null}
            {!mine ? <ReportButton targetType="comment" targetId={comment.id} label="Report" className="link" /> : null}
          </div>
        ) : null}
        {mode === 'reply' ? (
          <CommentForm label={`Reply to @${comment.author?.handle ?? 'comment'}`} submit="Post reply" onCancel={() => setMode('read')}
            onSubmit={async (body) => {
              const ok = await act(() => api.comment(postId, body, comment.id), 'Your reply is posted.');
              if (ok) setMode('read');
              return ok;
            }} />
        ) : null}
      </article>
      {comment.replies && comment.replies.length > 0 ? <CommentList nodes={comment.replies} postId={postId} act={act} /> : null}
      <ConfirmDialog open={confirmDelete} title="Delete this comment?" body="Replies to it stay in the thread." confirm="Delete comment"
        onClose={() => setConfirmDelete(false)} onConfirm={() => void act(() => api.deleteComment(comment.id), 'Your comment is deleted.')} />
    </li>
  );
}

function CommentForm(props: { label: string; submit: string; initial?: string; onSubmit: (body: string) => Promise<boolean>; onCancel?: () => void }) {
  const id = useId();
  const [body, setBody] = useState(props.initial ?? '');
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!body.trim()) return;
        setBusy(true);
        const ok = await props.onSubmit(body);
        setBusy(false);
        if (ok && props.initial === undefined) setBody('');
      }}
    >
      <label htmlFor={id} className={props.label === 'Comment' ? 'label' : 'visually-hidden'}>{props.label}</label>
      <textarea id={id} value={body} onChange={(e) => setBody(e.target.value)} maxLength={2000} required autoFocus={props.initial !== undefined || props.onCancel !== undefined} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Posting…' : props.submit}</button>
        {props.onCancel ? <button type="button" onClick={props.onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}
