import type { Metadata } from 'next';
import { Inbox } from '@/components/Inbox';

export const metadata: Metadata = { title: 'Notifications', robots: { index: false } };

export default function NotificationsPage() {
  return (
    <main id="main" style={{ maxWidth: 760 }}>
      <h1 className="page-title pixel">Notifications</h1>
      <Inbox />
    </main>
  );
}
