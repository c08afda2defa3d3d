import type { Metadata } from 'next';
import { FollowListPage, followListTitle, type FollowListProps } from '@/components/FollowListPage';

export async function generateMetadata({ params }: FollowListProps): Promise<Metadata> {
  return { title: await followListTitle('following', params) };
}

export default function FollowingPage(props: FollowListProps) {
  return <FollowListPage kind="following" {...props} />;
}
