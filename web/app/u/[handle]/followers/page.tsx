import type { Metadata } from 'next';
import { FollowListPage, followListTitle, type FollowListProps } from '@/components/FollowListPage';

export async function generateMetadata({ params }: FollowListProps): Promise<Metadata> {
  return { title: await followListTitle('followers', params) };
}

export default function FollowersPage(props: FollowListProps) {
  return <FollowListPage kind="followers" {...props} />;
}
