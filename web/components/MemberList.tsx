import Link from 'next/link';
import type { MemberRef } from '@makapix/protocol';

export function MemberList({ members, empty }: { members: MemberRef[]; empty: string }) {
  if (members.length === 0) return <div className="empty">{empty}</div>;
  return (
    <ul className="member-list">
      {members.map((m) => (
        <li key={m.id}>
          {m.avatarUrl ? <img src={m.avatarUrl} alt="" width={40} height={40} className="avatar" style={{ imageRendering: 'pixelated', objectFit: 'contain' }} /> : <span className="avatar checker" style={{ width: 40, height: 40 }} aria-hidden="true" />}
          <Link href={`/u/${encodeURIComponent(m.handle)}`}>@{m.handle}</Link>
        </li>
      ))}
    </ul>
  );
}
