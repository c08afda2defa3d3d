import type { Metadata } from 'next';
import { Settings } from '@/components/Settings';

export const metadata: Metadata = { title: 'Settings', robots: { index: false } };

export default function SettingsPage() {
  return (
    <main id="main" style={{ maxWidth: 760 }}>
      <h1 className="page-title pixel">Settings</h1>
      <Settings />
    </main>
  );
}
