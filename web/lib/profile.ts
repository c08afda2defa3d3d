import 'server-only';
import { cache } from 'react';
import { orNotFound, serverApi } from './server-api.ts';

/** One profile fetch per request, shared by generateMetadata and the page; unknown → 404 page. */
export const loadProfile = cache((handle: string) => orNotFound(serverApi.userByHandle(decodeURIComponent(handle))));
